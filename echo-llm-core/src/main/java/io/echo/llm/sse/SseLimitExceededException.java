package io.echo.llm.sse;

/**
 * Thrown by {@link SseParser#feed} when one event or one line grows past the parser's {@code maxEventBytes}.
 * The parser has then dropped what it buffered and can no longer be used.
 */
public class SseLimitExceededException extends IllegalStateException {

	private final int limit;

	/**
	 * Create an exception for the given limit.
	 * @param limit the limit that was exceeded, in bytes
	 */
	public SseLimitExceededException(int limit) {
		super("A server-sent event or line exceeds the limit of " + limit + " bytes; raise maxEventBytes "
				+ "(echo.llm.stream.max-event-size) if the server really sends events this large");
		this.limit = limit;
	}

	/** Limit that was exceeded, in bytes. */
	public int limit() {
		return this.limit;
	}

}
