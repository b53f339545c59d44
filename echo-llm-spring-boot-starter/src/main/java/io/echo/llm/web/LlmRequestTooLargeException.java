package io.echo.llm.web;

/**
 * A request body larger than {@code echo.llm.relay.max-request-size}: answer it with {@code 413}. Thrown by
 * {@link LlmRequestReader} as soon as the body is known to be too large, before it is read to its end.
 */
public class LlmRequestTooLargeException extends RuntimeException {

	private final long maxBytes;

	/**
	 * Creates the exception.
	 * @param maxBytes the limit the body exceeded
	 */
	public LlmRequestTooLargeException(long maxBytes) {
		super("The request body is larger than " + maxBytes + " bytes (echo.llm.relay.max-request-size)");
		this.maxBytes = maxBytes;
	}

	/** Returns the limit the body exceeded, in bytes. */
	public long maxBytes() {
		return this.maxBytes;
	}

}
