package io.echo.llm.sse;

/**
 * Thrown by {@link SseParser#feed} when one event or one line grows past the parser's {@code maxEventBytes}.
 */
public class SseLimitExceededException extends IllegalStateException {

	private final int limit;

	public SseLimitExceededException(int limit) {
		super("Server-sent event exceeds the limit of " + limit + " bytes; raise maxEventBytes "
				+ "(echo.llm.stream.max-event-size) if the server really sends events this large");
		this.limit = limit;
	}

	/** Limit that was exceeded, in bytes. */
	public int limit() {
		return this.limit;
	}

}
