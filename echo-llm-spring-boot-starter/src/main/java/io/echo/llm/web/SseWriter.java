package io.echo.llm.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Writes one emitter's events in batches: an event that comes at least {@code flushInterval} after the last write goes
 * out at once, and events that follow it closely are gathered and written (one write, one flush) when the interval has
 * passed, so that a provider sending a burst of tokens costs one socket write per interval instead of one per token.
 * No event waits longer than the interval, and an {@code error} event or the end of the response is written at once
 * with everything before it. A slow stream (a token every 50 ms) sees no delay at all.
 * <p>
 * The relay's thread appends and a deferred flush runs on the relay's executor (never on the timer thread, which a
 * client that stopped reading would block): both take {@code lock}. A deferred flush that finds the client gone keeps
 * the failure for the relay's next {@link #send}.
 */
final class SseWriter {

	private static final Logger logger = LoggerFactory.getLogger(SseWriter.class);

	private final SseEmitter emitter;

	private final long intervalNanos;

	private final FlushScheduler deferredFlush;

	private final ReentrantLock lock = new ReentrantLock();

	// Guarded by lock.
	private byte[] pending = new byte[256];

	private int pendingLength;

	private long lastWrite;

	private @Nullable Future<?> scheduledFlush;

	private volatile @Nullable IOException failure;

	SseWriter(SseEmitter emitter, Duration flushInterval, FlushScheduler deferredFlush) {
		this.emitter = emitter;
		this.intervalNanos = Math.max(0, flushInterval.toNanos());
		this.deferredFlush = deferredFlush;
		this.lastWrite = System.nanoTime() - this.intervalNanos;
	}

	/**
	 * Writes the event now or within the flush interval.
	 * @throws IOException when the client is gone, found by this write or by an earlier deferred one
	 */
	void send(RelayEvent event, @Nullable String id) throws IOException {
		byte[] sse = event.toSse(id).getBytes(StandardCharsets.UTF_8);
		this.lock.lock();
		try {
			throwIfFailed();
			long now = System.nanoTime();
			boolean writeNow = this.intervalNanos == 0 || now - this.lastWrite >= this.intervalNanos
					|| "error".equals(event.name());
			if (writeNow && this.pendingLength == 0) {
				// The usual case at a token's pace: nothing gathered, so the event's own bytes go out uncopied.
				this.lastWrite = now;
				SseEmitters.write(this.emitter, sse);
				return;
			}
			append(sse);
			if (writeNow) {
				writePending(now);
			}
			else if (this.scheduledFlush == null) {
				this.scheduledFlush = this.deferredFlush.flushLater(this, this.lastWrite + this.intervalNanos - now);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes whatever is gathered, at once: before the end of the response.
	 * @throws IOException when the client is gone
	 */
	void flush() throws IOException {
		this.lock.lock();
		try {
			throwIfFailed();
			if (this.pendingLength > 0) {
				writePending(System.nanoTime());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The deferred flush, on the executor. */
	void flushDeferred() {
		this.lock.lock();
		try {
			this.scheduledFlush = null;
			if (this.pendingLength > 0 && this.failure == null) {
				writePending(System.nanoTime());
			}
		}
		catch (IOException ex) {
			// The relay's next send, or the heartbeat, reports it.
			logger.debug("Relay client gone at a deferred flush: {}", ex.toString());
			this.failure = ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Returns whether events wait for a deferred flush: the heartbeat counts them as written. */
	boolean hasPending() {
		this.lock.lock();
		try {
			return this.pendingLength > 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void throwIfFailed() throws IOException {
		IOException failed = this.failure;
		if (failed != null) {
			throw new IOException("Relay client gone", failed);
		}
	}

	private void append(byte[] sse) {
		int needed = this.pendingLength + sse.length;
		if (needed > this.pending.length) {
			this.pending = Arrays.copyOf(this.pending, Math.max(needed, this.pending.length * 2));
		}
		System.arraycopy(sse, 0, this.pending, this.pendingLength, sse.length);
		this.pendingLength = needed;
	}

	private void writePending(long now) throws IOException {
		// A copy: an emitter not yet handed to Spring MVC keeps what it is sent until then.
		byte[] batch = Arrays.copyOf(this.pending, this.pendingLength);
		this.pendingLength = 0;
		Future<?> scheduled = this.scheduledFlush;
		if (scheduled != null) {
			// Written before its time: nothing left for it, and a finished reply leaves nothing scheduled.
			scheduled.cancel(false);
			this.scheduledFlush = null;
		}
		this.lastWrite = now;
		SseEmitters.write(this.emitter, batch);
	}

	/** Runs {@link #flushDeferred()} on the executor after a delay. */
	interface FlushScheduler {

		/** Returns the scheduled flush, which the writer cancels when it writes before it. */
		Future<?> flushLater(SseWriter writer, long delayNanos);

	}

}
