package io.echo.llm.web.resume.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import io.echo.llm.web.resume.LlmStreamNotFoundException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.ClassUtils;

/**
 * The appends of one stream that this instance writes, sent to Redis in batches: while one batch is on its way, the
 * events appended meanwhile wait here, in order, and all go in the next one. A stream therefore costs one round trip
 * per batch instead of one per event, and an event waits at most for the round trip already in flight: nothing waits
 * for a timer, so the last event and the end of the stream go out at once.
 * <p>
 * The writer numbers the events itself (it is the stream's only writer), so {@link #append} returns without waiting
 * for Redis; the batch script refuses a batch whose first number does not follow the stream's last one, so a number
 * handed out is never stored under another event. The first failed batch fails the writer: later appends and
 * {@link #finish} throw it, and nothing after the gap is sent. While Redis is slow, at most the stream's byte limit
 * waits here; an append beyond that waits for Redis, so a stalled Redis cannot fill the heap.
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

	// Signalled whenever Redis answers a batch.
	private final Condition answered = this.lock.newCondition();

	private long lastSequence;

	// The last sequence Redis confirmed.
	private long stored;

	// Event names and data, alternating, of the events not yet sent, and their size as the byte limit counts it.
	private List<String> pending = new ArrayList<>();

	private long pendingBytes;

	private boolean finishPending;

	private boolean finishing;

	private boolean ended;

	private boolean inFlight;

	private @Nullable RuntimeException failure;

	// When the expiries and the writer lease were last renewed; only the thread sending a batch touches it, and
	// batches are sent one after the other.
	private volatile long renewed;

	RedisStreamWriter(String streamId, List<String> keys, Limits limits, Sender sender) {
		this.streamId = streamId;
		this.keys = keys;
		this.limits = limits;
		this.sender = sender;
		// CREATE just set them.
		this.renewed = System.nanoTime();
	}

	/**
	 * Numbers the event and sends it now, or with the next batch when one is in flight. Waits only when Redis is so
	 * slow that more than the stream's byte limit is waiting here: what is kept in memory stays bounded.
	 */
	long append(String event, String data) {
		Appends batch;
		long sequence;
		this.lock.lock();
		try {
			long size = (long) event.length() + data.length();
			await(() -> this.pendingBytes == 0 || this.pendingBytes + size <= this.limits.maxStreamBytes(),
					this.limits.confirmTimeout());
			if (this.finishing) {
				throw new IllegalStateException("Stream is finished; nothing can be appended to it");
			}
			sequence = ++this.lastSequence;
			this.pending.add(event);
			this.pending.add(data);
			this.pendingBytes += size;
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
		this.lock.lock();
		try {
			await(() -> this.ended, timeout);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until every event appended before this call is in Redis, so that a reader on this instance never starts
	 * behind what this writer already handed out; later appends do not prolong the wait.
	 */
	void awaitStored(Duration timeout) {
		this.lock.lock();
		try {
			long target = this.lastSequence;
			await(() -> this.stored >= target, timeout);
		}
		finally {
			this.lock.unlock();
		}
	}

	// With the lock held: waits for the condition or a failure (which it throws). An interrupt does not cut the
	// wait short, so that a cancelled relay still ends its stream; it stays set.
	private void await(BooleanSupplier done, Duration timeout) {
		boolean interrupted = false;
		long nanos = timeout.toNanos();
		try {
			while (this.failure == null && !done.getAsBoolean()) {
				if (nanos <= 0) {
					throw new IllegalStateException("Redis did not confirm the events of stream " + this.streamId
							+ " within " + timeout);
				}
				try {
					nanos = this.answered.awaitNanos(nanos);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (this.failure != null) {
				throw this.failure;
			}
		}
		finally {
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
		this.pendingBytes = 0;
		this.finishPending = false;
		return batch;
	}

	private void send(Appends batch) {
		List<String> args = new ArrayList<>(5 + batch.eventsAndData().size());
		args.add(Long.toString(batch.firstSequence()));
		args.add(Long.toString(this.limits.maxStreamBytes()));
		// The expiries last minutes and the lease seconds; renewing them a few times per lease is plenty.
		boolean renew = batch.events() > 0 && System.nanoTime() - this.renewed >= this.limits.renewNanos();
		if (renew) {
			this.renewed = System.nanoTime();
		}
		args.add(renew ? this.limits.liveTtlMillis() : "");
		args.add(renew ? this.limits.writerLeaseMillis() : "");
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
				this.pendingBytes = 0;
				this.finishPending = false;
			}
			else {
				this.stored = batch.firstSequence() + batch.events() - 1;
				this.ended |= batch.finish();
				next = takePending();
			}
			this.inFlight = (next != null);
			this.answered.signalAll();
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

		/**
		 * Asynchronous with Lettuce (Boot's default): the writer never waits for Redis. Otherwise (Jedis) each batch
		 * blocks the thread that sends it, which is still one round trip per batch.
		 */
		static Sender of(RedisConnectionFactory connectionFactory, StringRedisTemplate redis) {
			if (ClassUtils.isPresent("io.lettuce.core.RedisFuture", RedisStreamWriter.class.getClassLoader())) {
				Sender lettuce = LettuceAppendSender.of(connectionFactory);
				if (lettuce != null) {
					return lettuce;
				}
			}
			return (keys, args, done) -> done.accept(redis.execute(RedisStreamScripts.APPEND_BATCH, keys,
					args.toArray()), null);
		}

	}

	/**
	 * The store's settings: the byte limit, the expiries as script arguments, and how long to wait for Redis.
	 */
	record Limits(long maxStreamBytes, String liveTtlMillis, String writerLeaseMillis, String retentionMillis,
			long renewNanos, Duration confirmTimeout) {

	}

	/** Events (names and data, alternating) numbered from {@code firstSequence}, and whether the stream ends after. */
	private record Appends(long firstSequence, List<String> eventsAndData, boolean finish) {

		int events() {
			return this.eventsAndData.size() / 2;
		}

	}

}
