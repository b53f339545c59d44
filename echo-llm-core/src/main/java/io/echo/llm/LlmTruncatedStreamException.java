package io.echo.llm;

import org.jspecify.annotations.Nullable;

/**
 * The stream ended with neither {@code [DONE]} nor a finish reason on every choice, or its connection was cut (closed
 * or reset) after chunks were handed out; what arrived was delivered, the answer is probably incomplete.
 */
public class LlmTruncatedStreamException extends LlmException {

	public LlmTruncatedStreamException(String message) {
		super(message);
	}

	/** With the I/O failure that cut the stream. */
	public LlmTruncatedStreamException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
