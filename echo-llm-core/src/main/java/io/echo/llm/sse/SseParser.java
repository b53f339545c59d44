package io.echo.llm.sse;

import java.util.function.Consumer;

/**
 * Push parser for {@code text/event-stream} bytes. Skeleton: implemented in the parser work.
 */
public final class SseParser {

	/** Default bound on one event (or one line), in bytes: 4 MiB. */
	public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

	public SseParser(Consumer<SseEvent> sink) {
		this(sink, DEFAULT_MAX_EVENT_BYTES);
	}

	public SseParser(Consumer<SseEvent> sink, int maxEventBytes) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	public void feed(byte[] buffer, int offset, int length) {
		throw new UnsupportedOperationException("not yet implemented");
	}

	public void finish() {
		throw new UnsupportedOperationException("not yet implemented");
	}

}
