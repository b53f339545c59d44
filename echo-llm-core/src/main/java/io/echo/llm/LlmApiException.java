package io.echo.llm;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** The provider answered with an HTTP error status. */
public class LlmApiException extends LlmException {

	private final int status;

	private final @Nullable String code;

	private final @Nullable String providerMessage;

	private final @Nullable Duration retryAfter;

	public LlmApiException(int status, @Nullable String code, @Nullable String providerMessage,
			@Nullable Duration retryAfter) {
		super(describe(status, code, providerMessage));
		this.status = status;
		this.code = code;
		this.providerMessage = providerMessage;
		this.retryAfter = retryAfter;
	}

	private static String describe(int status, @Nullable String code, @Nullable String providerMessage) {
		StringBuilder sb = new StringBuilder("LLM provider answered HTTP ").append(status);
		if (code != null) {
			sb.append(" (").append(code).append(')');
		}
		if (providerMessage != null && !providerMessage.isEmpty()) {
			sb.append(": ").append(providerMessage);
		}
		return sb.toString();
	}

	@Override
	public int status() {
		return this.status;
	}

	@Override
	public @Nullable String code() {
		return this.code;
	}

	/** Provider's own error message, or {@code null} when the body carried none. */
	public @Nullable String providerMessage() {
		return this.providerMessage;
	}

	/** Wait the server asked for ({@code retry-after-ms} or {@code Retry-After}), if any. */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

}
