package io.echo.llm.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits between attempts; replaced in tests so that a long {@code Retry-After} costs no real time. */
@FunctionalInterface
interface Sleeper {

	/** Waits on the latch, so that a cancelled call stops waiting at once. */
	Sleeper REAL = (wait, abort) -> !abort.await(wait.toNanos(), TimeUnit.NANOSECONDS);

	/**
	 * Waits for the given time unless {@code abort} is released first.
	 * @return {@code true} when the whole wait passed, {@code false} when aborted
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	boolean sleep(Duration wait, CountDownLatch abort) throws InterruptedException;

}
