package io.echo.llm.web;

import org.springframework.core.task.TaskRejectedException;

/**
 * Thrown by {@link LlmSseRelay} before a response starts when {@code echo.llm.relay.max-active-streams} streams are
 * already live. The starter answers it with {@code 503}, {@code Retry-After: 1} and an OpenAI-shaped error whose code
 * is {@code relay_busy} ({@link LlmRelayBusyHandler}); being a {@link TaskRejectedException}, an application's own
 * handler for executor rejections answers it too.
 */
public class LlmRelayBusyException extends TaskRejectedException {

	private final String requestId;

	/**
	 * @param requestId the id the refused request was logged under, also in its {@code X-Request-Id} header
	 */
	public LlmRelayBusyException(String requestId) {
		super(RelayError.BUSY.message());
		this.requestId = requestId;
	}

	/** Returns the id the refused request was logged under. */
	public String requestId() {
		return this.requestId;
	}

}
