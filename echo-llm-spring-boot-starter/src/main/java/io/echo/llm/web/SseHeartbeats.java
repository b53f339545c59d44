package io.echo.llm.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Notices a client that left while the upstream is quiet. A server only finds out that a connection closed when it
 * writes to it, so every {@link #INTERVAL} an emitter that wrote nothing since the last tick gets an SSE comment
 * (ignored by {@code EventSource} and by the OpenAI SDKs), and the write that fails tells the relay its client is gone.
 * <p>
 * One daemon thread ticks for every stream, and only while some stream is watched; it also runs other short periodic
 * checks ({@link #every}). The comments are written on the relay's executor (or, when it refuses them, on at most
 * {@link #FALLBACK_THREADS} threads of their own), never on that thread, which a client that stopped reading would
 * otherwise block for every stream.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public final class SseHeartbeats implements AutoCloseable {

	/**
	 * Time between ticks. The first write to a connection the client closed may still succeed (the client's reset
	 * comes back only then) and the second fails, so a client that left right after an event is noticed within three
	 * ticks: 750 ms, inside the 1 s in which the upstream must be cancelled.
	 */
	static final Duration INTERVAL = Duration.ofMillis(250);

	/**
	 * Most threads writing the comments that the relay's executor refuses: a pool of platform threads with no queue,
	 * every thread of which holds a stream, refuses them all, and its clients that left would go unnoticed. A write
	 * blocks only on a client that stopped reading without closing; a comment refused here too waits for the next tick.
	 */
	static final int FALLBACK_THREADS = 2;

	private static final Logger logger = LoggerFactory.getLogger(SseHeartbeats.class);

	private final Executor executor;

	private final Duration flushInterval;

	private final ScheduledThreadPoolExecutor scheduler;

	// Writes the comments the executor refuses (see tick): a small pool, no queue, threads only while in use.
	private final ThreadPoolExecutor fallback;

	private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

	// Guarded by this: the tick runs only while some stream is watched.
	private @Nullable ScheduledFuture<?> ticks;

	/**
	 * Creates the heartbeats of emitters that write every event at once; the scheduler thread starts with the first
	 * watch or check.
	 * @param executor where the comments are written
	 */
	public SseHeartbeats(Executor executor) {
		this(executor, Duration.ZERO);
	}

	/**
	 * Creates the heartbeats; the scheduler thread starts with the first watch or check.
	 * @param executor where the comments and the deferred flushes are written
	 * @param flushInterval longest time an event waits to be written with the ones that follow it (see
	 * {@link SseWriter}); zero writes every event at once
	 */
	public SseHeartbeats(Executor executor, Duration flushInterval) {
		this.executor = executor;
		Objects.requireNonNull(flushInterval, "flushInterval");
		// A deferred flush needs a thread of the executor for a moment. A pool of platform threads has none to spare:
		// each relay holds one for its whole stream, so the flush would wait behind them (a queue) or take the thread
		// a new stream needs (queue-capacity 0, as the relay asks), which then gets 503. There every event is written
		// at once, as with a zero interval; virtual threads (a thread per task) batch.
		this.flushInterval = isPool(executor) ? Duration.ZERO : flushInterval;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("echo-llm-relay-");
		threads.setDaemon(true);
		this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
		this.scheduler.setRemoveOnCancelPolicy(true);
		CustomizableThreadFactory fallbackThreads = new CustomizableThreadFactory("echo-llm-heartbeat-");
		fallbackThreads.setDaemon(true);
		this.fallback = new ThreadPoolExecutor(0, FALLBACK_THREADS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
				fallbackThreads);
	}

	private static boolean isPool(Executor executor) {
		return executor instanceof ThreadPoolTaskExecutor || executor instanceof ThreadPoolExecutor;
	}

	/** Returns a watch for the emitter; it does nothing until {@link Watch#start started}. */
	public Watch watch(SseEmitter emitter) {
		return new Watch(Objects.requireNonNull(emitter, "emitter"));
	}

	/** Runs a short check on the shared thread at a fixed delay until the returned future is cancelled. */
	public ScheduledFuture<?> every(Duration interval, Runnable check) {
		long millis = interval.toMillis();
		return this.scheduler.scheduleWithFixedDelay(check, millis, millis, TimeUnit.MILLISECONDS);
	}

	/** Runs a short action once on the shared thread after the delay, unless the returned future is cancelled. */
	ScheduledFuture<?> after(Duration delay, Runnable action) {
		return this.scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	// The timer only hands the flush to the executor: a write may block on a client that stopped reading.
	private Future<?> flushLater(SseWriter writer, long delayNanos) {
		try {
			return this.scheduler.schedule(() -> flushOnExecutor(writer), delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the relay is shutting down, and its streams with it; the stream's end still writes the rest.
			return CompletableFuture.completedFuture(null);
		}
	}

	private void flushOnExecutor(SseWriter writer) {
		try {
			this.executor.execute(writer::flushDeferred);
		}
		catch (RejectedExecutionException ex) {
			// A bounded pool with every thread busy: try again a moment later rather than hold the events.
			flushLater(writer, TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/** Stops the scheduler thread; watched emitters get no more comments. */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.fallback.shutdownNow();
	}

	/** Returns whether no emitter is watched and nothing is scheduled. */
	synchronized boolean idle() {
		return this.watches.isEmpty() && this.ticks == null && this.scheduler.getQueue().isEmpty();
	}

	private void tick() {
		for (Watch watch : this.watches) {
			watch.tick();
		}
	}

	// Both take the lock after changing the watches, so that a watch added meanwhile keeps or restarts the ticks.
	private synchronized void startTicking() {
		if (this.ticks == null) {
			this.ticks = every(INTERVAL, this::tick);
		}
	}

	private synchronized void stopTickingWhenUnwatched() {
		if (this.watches.isEmpty() && this.ticks != null) {
			this.ticks.cancel(false);
			this.ticks = null;
		}
	}

	/**
	 * The heartbeat of one emitter. Its events go through {@link #send} so that a stream whose events flow gets no
	 * comments, and it ends with {@link #complete} so that no comment follows the end. Written by the relay's
	 * thread and read by the tick, so its flags are volatile and its writes go through {@code writing}.
	 */
	public final class Watch {

		private final SseEmitter emitter;

		private final SseWriter writer;

		private final AtomicBoolean writing = new AtomicBoolean();

		private volatile boolean wrote;

		private volatile boolean stopped;

		private volatile @Nullable Runnable onGone;

		private Watch(SseEmitter emitter) {
			this.emitter = emitter;
			this.writer = new SseWriter(emitter, SseHeartbeats.this.flushInterval, SseHeartbeats.this::flushLater);
		}

		/**
		 * Sends the response headers at once, so that the client sees the reply start and a comment can be written
		 * before the first event, then starts the comments.
		 * @param onGone called once, from the executor, when a comment could not be written
		 */
		public void start(Runnable onGone) {
			this.onGone = onGone;
			SseEmitters.onEnd(this.emitter, this::stop);
			try {
				SseEmitters.commit(this.emitter);
			}
			catch (IOException ex) {
				// Already gone: the first comment finds out, on the executor like any other.
			}
			if (!this.stopped) {
				SseHeartbeats.this.watches.add(this);
				startTicking();
			}
		}

		/**
		 * Writes one event, with the given {@code id:} field or none, at once or within the flush interval.
		 * @throws IOException when the client is gone or the emitter already completed
		 */
		public void send(RelayEvent event, @Nullable String id) throws IOException {
			this.writer.send(event, id);
			this.wrote = true;
		}

		/** Writes the events still gathered, stops the comments, then completes the emitter. */
		public void complete() {
			stop();
			try {
				this.writer.flush();
			}
			catch (IOException ex) {
				// The relay logs the end of the stream; the emitter still completes.
				logger.debug("Relay client gone before the end of the response: {}", ex.toString());
			}
			this.emitter.complete();
		}

		/** Stops the comments; callable any number of times. */
		public void stop() {
			this.stopped = true;
			if (SseHeartbeats.this.watches.remove(this)) {
				stopTickingWhenUnwatched();
			}
		}

		private void tick() {
			if (this.wrote || this.writer.hasPending()) {
				this.wrote = false;
			}
			else if (this.writing.compareAndSet(false, true)) {
				try {
					SseHeartbeats.this.executor.execute(this::heartbeat);
				}
				catch (RejectedExecutionException ex) {
					writeElsewhere();
				}
			}
		}

		// Never on the timer's thread, which a client that stopped reading would block for every stream.
		private void writeElsewhere() {
			try {
				SseHeartbeats.this.fallback.execute(this::heartbeat);
			}
			catch (RejectedExecutionException ex) {
				this.writing.set(false);
			}
		}

		private void heartbeat() {
			try {
				if (!this.stopped) {
					SseEmitters.heartbeat(this.emitter);
				}
			}
			catch (IOException ex) {
				if (!this.stopped) {
					// An ordinary event: the relay logs it once at INFO; the cause's text is enough here.
					logger.debug("Relay client gone while the upstream was quiet: {}", ex.toString());
					stop();
					Objects.requireNonNull(this.onGone).run();
				}
			}
			finally {
				this.writing.set(false);
			}
		}

	}

}
