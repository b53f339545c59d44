package io.echo.llm;

import org.jspecify.annotations.Nullable;

/**
 * The provider reported an error inside a stream that had started with HTTP 200 ({@code event: error} or
 * {@code data: {"error": ...}}). Everything that arrived before it was delivered.
 */
public class LlmStreamErrorException extends LlmException {

	private final @Nullable String code;

	private final @Nullable String providerMessage;

	private final int status;

	public LlmStreamErrorException(@Nullable String code, @Nullable String providerMessage, int status) {
		super("LLM provider reported an error mid-stream" + (code != null ? " (" + code + ")" : "")
				+ (providerMessage != null ? ": " + providerMessage : ""));
		this.code = code;
		this.providerMessage = providerMessage;
		this.status = status;
	}

	@Override
	public @Nullable String code() {
		return this.code;
	}

	/** Provider's own error message, or {@code null}. */
	public @Nullable String providerMessage() {
		return this.providerMessage;
	}

	/** Status the provider put in the error object ({@code status_code}, or a numeric {@code code}), else 0. */
	@Override
	public int status() {
		return this.status;
	}

}
