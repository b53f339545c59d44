package io.echo.llm.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread ({@code echo-llm-timeouts}) that enforces the {@link Deadlines} of every open exchange. Readers
 * only store a timestamp when bytes arrive; the watchdog wakes at the earliest deadline, re-checks, and either
 * re-arms (activity moved the deadline) or reports the expired kind, whose handler closes the connection so that the
 * blocked reader wakes up. Handlers must not block: they cancel an Apache request, close a JDK {@code HttpClient}
 * body stream or interrupt a header wait, all of which return at once.
 */
final class TimeoutWatchdog {

	private static final Logger logger = LoggerFactory.getLogger(TimeoutWatchdog.class);

	private final ScheduledExecutorService timer;

	private final LongSupplier nanoTime;

	private final InterruptWatch interrupts = new InterruptWatch(this);

	TimeoutWatchdog(ScheduledExecutorService timer, LongSupplier nanoTime) {
		this.timer = timer;
		this.nanoTime = nanoTime;
	}

	/** Aborts exchanges whose waiting thread was interrupted, on this watchdog's thread. */
	InterruptWatch interrupts() {
		return this.interrupts;
	}

	/** The watchdog shared by every service in the JVM. */
	static TimeoutWatchdog shared() {
		return Shared.INSTANCE;
	}

	long now() {
		return this.nanoTime.getAsLong();
	}

	/** Runs the given task on the watchdog thread after the given delay, unless cancelled; it must not block. */
	ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
		return this.timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Starts watching the given deadlines.
	 * @param onExpiry called once, on the watchdog thread, with the kind that expired
	 */
	Watch watch(Deadlines deadlines, Consumer<Kind> onExpiry) {
		Watch watch = new Watch(this, deadlines, onExpiry);
		arm(watch);
		return watch;
	}

	/** Schedules the next check, replacing any scheduled one so that a watch never has two chains of checks. */
	private void arm(Watch watch) {
		synchronized (watch) {
			ScheduledFuture<?> previous = watch.next;
			if (previous != null) {
				previous.cancel(false);
			}
			long delay = watch.deadlines.nanosToNextCheck(now());
			if (delay != Deadlines.NONE && !watch.stopped) {
				watch.next = this.timer.schedule(() -> check(watch), delay, TimeUnit.NANOSECONDS);
			}
		}
	}

	private void check(Watch watch) {
		if (watch.stopped) {
			return;
		}
		Kind kind = watch.deadlines.expired(now());
		if (kind == null) {
			arm(watch);
			return;
		}
		watch.stopped = true;
		try {
			watch.onExpiry.accept(kind);
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to abort an LLM exchange after its {} timeout", kind, ex);
		}
	}

	/**
	 * Deadlines being watched; {@link #stop()} when the exchange ends. Shared by the reading thread (which stops it)
	 * and the watchdog thread (which reschedules {@code next}): hence the volatile fields.
	 */
	static final class Watch {

		private final TimeoutWatchdog watchdog;

		private final Deadlines deadlines;

		private final Consumer<Kind> onExpiry;

		private volatile boolean stopped;

		private volatile @Nullable ScheduledFuture<?> next;

		private Watch(TimeoutWatchdog watchdog, Deadlines deadlines, Consumer<Kind> onExpiry) {
			this.watchdog = watchdog;
			this.deadlines = deadlines;
			this.onExpiry = onExpiry;
		}

		/**
		 * A chunk arrived: the idle clock starts again. After the first, the first-chunk deadline gives way to the
		 * idle one, which may come sooner than the check already scheduled, so schedule again (once per exchange).
		 */
		void chunkArrived() {
			boolean first = !this.deadlines.chunkSeen();
			this.deadlines.chunkArrived();
			if (first) {
				this.watchdog.arm(this);
			}
		}

		TimeoutWatchdog watchdog() {
			return this.watchdog;
		}

		/** Stops watching; idempotent. */
		void stop() {
			this.stopped = true;
			ScheduledFuture<?> future = this.next;
			if (future != null) {
				future.cancel(false);
			}
		}

	}

	private static final class Shared {

		static final TimeoutWatchdog INSTANCE = new TimeoutWatchdog(createTimer(), System::nanoTime);

		private static ScheduledExecutorService createTimer() {
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "echo-llm-timeouts");
				thread.setDaemon(true);
				return thread;
			});
			// Most deadlines are cancelled, not reached: drop them from the queue at once.
			timer.setRemoveOnCancelPolicy(true);
			return timer;
		}

	}

}
