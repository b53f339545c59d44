package io.echo.llm;

import org.jspecify.annotations.Nullable;

/**
 * Base of every failure of an LLM call. Unchecked; messages carry the HTTP status and the provider's message, never
 * the API key or the prompt.
 */
public class LlmException extends RuntimeException {

	public LlmException(String message) {
		super(message);
	}

	public LlmException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/** HTTP status the failure relates to, or {@code 0} when there is none (network failure, timeout, ...). */
	public int status() {
		return 0;
	}

	/** Provider's error code (for instance {@code "rate_limit_exceeded"}), or {@code null}. */
	public @Nullable String code() {
		return null;
	}

}
