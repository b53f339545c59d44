package io.echo.llm.web.resume.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import io.echo.llm.web.resume.LlmStreamNotFoundException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appends of one stream that this instance writes, sent to Redis in batches: while one batch is on its way, the
 * events appended meanwhile wait here, in order, and all go in the next one. A stream therefore costs one round trip
 * per batch instead of one per event, and an event waits at most for the round trip already in flight: nothing waits
 * for a timer, so the last event and the end of the stream go out at once.
 * <p>
 * The writer numbers the events itself (it is the stream's only writer), so {@link #append} returns without waiting
 * for Redis; the batch script refuses a batch whose first number does not follow the stream's last one, so a number
 * handed out is never stored under another event. The first failed batch fails the writer: later appends and
 * {@link #finish} throw it, and nothing after the gap is sent.
 * <p>
 * Thread-safe: every field is guarded by {@code lock}; batches complete on the Redis client's threads.
 */
final class RedisStreamWriter {

	private static final Logger logger = LoggerFactory.getLogger(RedisStreamWriter.class);

	private final String streamId;

	private final List<String> keys;

	private final Limits limits;

	private final Sender sender;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition idle = this.lock.newCondition();

	private long lastSequence;

	// Event names and data, alternating, of the events not yet sent.
	private List<String> pending = new ArrayList<>();

	private boolean finishPending;

	private boolean finishing;

	private boolean inFlight;

	private @Nullable RuntimeException failure;

	RedisStreamWriter(String streamId, List<String> keys, Limits limits, Sender sender) {
		this.streamId = streamId;
		this.keys = keys;
		this.limits = limits;
		this.sender = sender;
	}

	/** Numbers the event and sends it now, or with the next batch when one is in flight. */
	long append(String event, String data) {
		Appends batch;
		long sequence;
		this.lock.lock();
		try {
			if (this.failure != null) {
				throw this.failure;
			}
			if (this.finishing) {
				throw new IllegalStateException("Stream is finished; nothing can be appended to it");
			}
			sequence = ++this.lastSequence;
			this.pending.add(event);
			this.pending.add(data);
			batch = startIfIdle();
		}
		finally {
			this.lock.unlock();
		}
		if (batch != null) {
			send(batch);
		}
		return sequence;
	}

	/**
	 * Sends the end of the stream after the events before it, and waits until Redis has all of them.
	 * @throws RuntimeException the failure of a batch of events, or an {@link IllegalStateException} when Redis did
	 * not answer within {@code timeout}
	 */
	void finish(Duration timeout) {
		Appends batch = null;
		this.lock.lock();
		try {
			if (!this.finishing && this.failure == null) {
				this.finishing = true;
				this.finishPending = true;
				batch = startIfIdle();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (batch != null) {
			send(batch);
		}
		awaitIdle(timeout);
		this.lock.lock();
		try {
			if (this.failure != null) {
				throw this.failure;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Returns the number of the last event appended, whether or not Redis has it yet. */
	long lastSequence() {
		this.lock.lock();
		try {
			return this.lastSequence;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until every event appended so far is in Redis (or failed), so that a reader on this instance never starts
	 * behind what this writer already handed out. An interrupt does not cut the wait short; it stays set.
	 */
	void awaitIdle(Duration timeout) {
		boolean interrupted = false;
		long nanos = timeout.toNanos();
		this.lock.lock();
		try {
			while (this.inFlight) {
				if (nanos <= 0) {
					throw new IllegalStateException("Redis did not confirm the events of stream " + this.streamId
							+ " within " + timeout);
				}
				try {
					nanos = this.idle.awaitNanos(nanos);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			this.lock.unlock();
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	// Called with the lock held: takes what is pending as the next batch unless one is in flight.
	private @Nullable Appends startIfIdle() {
		if (this.inFlight) {
			return null;
		}
		Appends batch = takePending();
		this.inFlight = (batch != null);
		return batch;
	}

	private @Nullable Appends takePending() {
		if (this.pending.isEmpty() && !this.finishPending) {
			return null;
		}
		long first = this.lastSequence - this.pending.size() / 2 + 1;
		Appends batch = new Appends(first, this.pending, this.finishPending);
		this.pending = new ArrayList<>();
		this.finishPending = false;
		return batch;
	}

	private void send(Appends batch) {
		List<String> args = new ArrayList<>(5 + batch.eventsAndData().size());
		args.add(Long.toString(batch.firstSequence()));
		args.add(this.limits.maxStreamBytes());
		args.add(this.limits.liveTtlMillis());
		args.add(this.limits.writerLeaseMillis());
		args.add(batch.finish() ? this.limits.retentionMillis() : "");
		args.addAll(batch.eventsAndData());
		try {
			this.sender.send(this.keys, args, (last, error) -> completed(batch, last, error));
		}
		catch (RuntimeException ex) {
			completed(batch, null, ex);
		}
	}

	private void completed(Appends batch, @Nullable Long last, @Nullable Throwable error) {
		Appends next = null;
		this.lock.lock();
		try {
			RuntimeException problem = problem(batch, last, error);
			// A stream that is gone or finished needs no end: only lost events (or no answer) fail the writer.
			if (problem != null && (error != null || batch.events() > 0)) {
				logger.debug("Appends to stream {} from {} failed", this.streamId, batch.firstSequence(), problem);
				this.failure = problem;
				this.pending = new ArrayList<>();
				this.finishPending = false;
			}
			else {
				next = takePending();
			}
			this.inFlight = (next != null);
			if (!this.inFlight) {
				this.idle.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (next != null) {
			send(next);
		}
	}

	private @Nullable RuntimeException problem(Appends batch, @Nullable Long last, @Nullable Throwable error) {
		if (error != null) {
			return new IllegalStateException("Could not append to stream " + this.streamId + " in Redis", error);
		}
		if (last == null || last == -1) {
			return new LlmStreamNotFoundException(this.streamId);
		}
		if (last == -2) {
			return new IllegalStateException("Stream is finished; nothing can be appended to it");
		}
		if (last != batch.firstSequence() + batch.events() - 1) {
			return new IllegalStateException("Stream " + this.streamId + " was appended to by another writer; "
					+ "its events from " + batch.firstSequence() + " were not stored");
		}
		return null;
	}

	/** Sends one batch to Redis and calls back with the script's answer, on any thread. */
	@FunctionalInterface
	interface Sender {

		void send(List<String> keys, List<String> args, BiConsumer<@Nullable Long, @Nullable Throwable> done);

	}

	/** The store's settings as script arguments. */
	record Limits(String maxStreamBytes, String liveTtlMillis, String writerLeaseMillis, String retentionMillis) {

	}

	/** Events (names and data, alternating) numbered from {@code firstSequence}, and whether the stream ends after. */
	private record Appends(long firstSequence, List<String> eventsAndData, boolean finish) {

		int events() {
			return this.eventsAndData.size() / 2;
		}

	}

}
