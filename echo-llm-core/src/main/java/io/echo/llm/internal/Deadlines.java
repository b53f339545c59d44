package io.echo.llm.internal;

import java.time.Duration;

import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The first-chunk, idle and overall deadlines of one HTTP exchange, on a nanosecond clock. Written by the reading
 * thread (cheap volatile stores), read by the watchdog; all arithmetic is overflow-safe ({@code a - b < 0}).
 * <ul>
 * <li>first chunk: from sending the request until the first chunk; comments, pings (events that carry no chunk) and
 * the bytes of an unfinished event do not count.</li>
 * <li>idle: once a chunk arrived, the time the reader waits for the next one; again only chunks count, so that an
 * upstream that sends keep-alives or drips an event that never ends still times out. Time the caller spends between
 * reads (processing a chunk) is not idle time: the bytes wait in the socket.</li>
 * <li>overall: from the start of the call (all attempts) to its end; nothing resets it.</li>
 * </ul>
 */
final class Deadlines {

	/** Returned by {@link #nanosToNextCheck} when no deadline is active. */
	static final long NONE = -1;

	private static final long MIN_CHECK_NANOS = Duration.ofMillis(1).toNanos();

	private final Timeouts timeouts;

	private final long attemptStart;

	private final long callStart;

	/**
	 * While the reader waits: when the idle clock started, counting back the time it already waited since the last
	 * chunk (reads that returned bytes but no chunk). Written by the reader, read by the watchdog.
	 */
	private volatile long idleFrom;

	/** Time the reader waited since the last chunk, up to the end of its last read. */
	private volatile long idleSpent;

	private volatile boolean chunkSeen;

	private volatile boolean reading;

	Deadlines(Timeouts timeouts, long callStart, long attemptStart) {
		this.timeouts = timeouts;
		this.callStart = callStart;
		this.attemptStart = attemptStart;
		this.idleFrom = attemptStart;
	}

	/** The reader starts waiting for bytes: the idle clock runs on from where the last read left it. */
	void readStarted(long now) {
		this.idleFrom = now - this.idleSpent;
		this.reading = true;
	}

	/** The reader got bytes (or an error): it is no longer waiting; the idle clock stops, but is not reset. */
	void readEnded(long now) {
		this.idleSpent = now - this.idleFrom;
		this.reading = false;
	}

	/** A chunk arrived: the first-chunk deadline no longer applies, and the idle clock starts again. */
	void chunkArrived() {
		// Only the reader writes these, so it may test its own last write: a volatile store is a full fence, and
		// two per chunk were paid on every chunk although after the first of a read neither value changes.
		if (this.idleSpent != 0) {
			this.idleSpent = 0;
		}
		if (!this.chunkSeen) {
			this.chunkSeen = true;
		}
	}

	boolean chunkSeen() {
		return this.chunkSeen;
	}

	/** The deadline passed at {@code now}, or {@code null}. */
	@Nullable Kind expired(long now) {
		if (this.timeouts.overall() > 0 && now - (this.callStart + this.timeouts.overall()) >= 0) {
			return Kind.OVERALL;
		}
		if (!this.chunkSeen) {
			if (this.timeouts.firstChunk() > 0 && now - (this.attemptStart + this.timeouts.firstChunk()) >= 0) {
				return Kind.FIRST_CHUNK;
			}
		}
		else if (this.timeouts.idle() > 0 && this.reading && now - (this.idleFrom + this.timeouts.idle()) >= 0) {
			return Kind.IDLE;
		}
		return null;
	}

	/** Nanoseconds from {@code now} to the earliest active deadline (at least 1 ms), or {@link #NONE}. */
	long nanosToNextCheck(long now) {
		long next = Long.MAX_VALUE;
		if (this.timeouts.overall() > 0) {
			next = Math.min(next, this.callStart + this.timeouts.overall() - now);
		}
		if (!this.chunkSeen) {
			if (this.timeouts.firstChunk() > 0) {
				next = Math.min(next, this.attemptStart + this.timeouts.firstChunk() - now);
			}
		}
		else if (this.timeouts.idle() > 0) {
			// When the reader is not waiting, its clock resumes, at the earliest, now.
			long from = this.reading ? this.idleFrom : now - this.idleSpent;
			next = Math.min(next, from + this.timeouts.idle() - now);
		}
		if (next == Long.MAX_VALUE) {
			return NONE;
		}
		return Math.max(next, MIN_CHECK_NANOS);
	}

	/**
	 * The three stream timeouts in nanoseconds; zero or negative disables one.
	 *
	 * @param firstChunk from sending until the first event
	 * @param idle between events
	 * @param overall whole call
	 */
	record Timeouts(long firstChunk, long idle, long overall) {

		static Timeouts of(LlmClientSettings settings) {
			return new Timeouts(nanos(settings.firstChunkTimeout()), nanos(settings.idleTimeout()),
					nanos(settings.overallTimeout()));
		}

		private static long nanos(Duration duration) {
			return duration.isNegative() ? 0 : saturatedNanos(duration);
		}

		private static long saturatedNanos(Duration duration) {
			try {
				return duration.toNanos();
			}
			catch (ArithmeticException ex) {
				// Hundreds of years: as good as never, but keep deadline arithmetic from overflowing.
				return Long.MAX_VALUE / 4;
			}
		}

		Duration duration(Kind kind) {
			return switch (kind) {
				case FIRST_CHUNK -> Duration.ofNanos(this.firstChunk);
				case IDLE -> Duration.ofNanos(this.idle);
				case OVERALL -> Duration.ofNanos(this.overall);
				case CONNECT -> Duration.ZERO;
			};
		}

	}

}
