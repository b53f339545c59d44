package io.echo.llm.internal;

import java.io.IOException;
import java.util.ArrayDeque;

import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.sse.SseEvent;
import io.echo.llm.sse.SseLimitExceededException;
import io.echo.llm.sse.SseParser;
import org.jspecify.annotations.Nullable;

/**
 * The first layer of a stream's read side: the body's bytes, read only when the stream asks, through
 * {@link SseParser} into a queue of events. Nothing is read ahead of the caller: the bytes wait in the socket.
 * <p>
 * Threads: owned by the stream's iterating thread, like every field here; not thread-safe. A canceller never touches
 * it: it aborts the exchange, and the blocked {@link #read} then fails.
 */
final class BodyEvents {

	private static final int BUFFER_SIZE = 8192;

	private final byte[] buffer = new byte[BUFFER_SIZE];

	private final ArrayDeque<SseEvent> events = new ArrayDeque<>();

	private final int maxEventBytes;

	private SseParser parser;

	private boolean ended;

	/**
	 * Failure of the body itself (an event over the limit), for the stream to throw once the events parsed before it
	 * in the same read have been handed out: what a caller gets must not depend on how the bytes were split into reads.
	 */
	private @Nullable LlmException failure;

	BodyEvents(int maxEventBytes) {
		this.maxEventBytes = maxEventBytes;
		this.parser = newParser();
	}

	private SseParser newParser() {
		return new SseParser(this.events::add, this.maxEventBytes);
	}

	/** The next event parsed and not yet taken, or {@code null}. */
	@Nullable SseEvent poll() {
		return this.events.poll();
	}

	/** Whether the body ended: no event will come after those queued. */
	boolean ended() {
		return this.ended;
	}

	@Nullable LlmException failure() {
		return this.failure;
	}

	/**
	 * Reads once from the body and queues the events completed by what came.
	 * @throws IOException as the read failed (the exchange was aborted, timed out, or the connection cut)
	 */
	void read(ChatTransport transport, ChatTransport.Opened opened) throws IOException {
		int read = transport.read(opened, this.buffer);
		if (read < 0) {
			this.ended = true;
			// Real proxies cut the blank line after the last event: still deliver that event.
			this.parser.finishAndDispatchPending();
			return;
		}
		try {
			this.parser.feed(this.buffer, 0, read);
		}
		catch (SseLimitExceededException ex) {
			this.failure = new LlmInvalidResponseException(
					"The LLM provider sent an event larger than " + this.maxEventBytes + " bytes", ex);
		}
	}

	/** Forgets the previous attempt's body: a new attempt's events start afresh. */
	void reset() {
		this.parser = newParser();
		this.events.clear();
	}

}
