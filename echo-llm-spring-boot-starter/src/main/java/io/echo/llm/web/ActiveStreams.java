package io.echo.llm.web;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Counts the streams a relay has live (from the request that starts one to the end of its upstream call) against
 * {@code echo.llm.relay.max-active-streams}, so that at overload a new stream is refused before its response starts
 * instead of slowing down every stream already running.
 */
final class ActiveStreams {

	private final int max;

	private final AtomicInteger live = new AtomicInteger();

	/**
	 * @param max the most live streams; zero or negative for no limit (they are still counted)
	 */
	ActiveStreams(int max) {
		this.max = max;
	}

	/** Returns a permit to release once the stream is over, or {@code null} when the limit is reached. */
	@Nullable Permit tryAcquire() {
		while (true) {
			int current = this.live.get();
			if (this.max > 0 && current >= this.max) {
				return null;
			}
			if (this.live.compareAndSet(current, current + 1)) {
				return new Permit();
			}
		}
	}

	int live() {
		return this.live.get();
	}

	int max() {
		return this.max;
	}

	/** One live stream; {@link #run()} releases it, once however often it is called. */
	final class Permit implements Runnable {

		private final AtomicBoolean released = new AtomicBoolean();

		@Override
		public void run() {
			if (this.released.compareAndSet(false, true)) {
				ActiveStreams.this.live.decrementAndGet();
			}
		}

	}

}
