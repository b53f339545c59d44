package io.echo.llm.internal;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Lets another thread abort a caller that is blocked waiting for response headers, without an interrupt ever leaking
 * past the wait.
 * <p>
 * Spring's {@code JdkClientHttpRequest} waits for the headers with {@code future.get()} and, when interrupted, cancels
 * the JDK {@code HttpClient}'s exchange (which closes the connection) and throws an {@code IOException}. There is no
 * other handle on that wait: the request factory's read timeout is a whole-exchange timer that would also cut a long
 * stream. So the watchdog and {@code cancel()} interrupt the waiting thread, but only while it is inside
 * {@link #enter()}/{@link #exit()}; {@link #exit()} waits for an interrupt in flight and clears the flag it set.
 */
final class HeaderWait {

	private static final int IDLE = 0;

	private static final int WAITING = 1;

	private static final int INTERRUPTING = 2;

	private static final int INTERRUPTED = 3;

	private static final int DONE = 4;

	private final AtomicInteger state = new AtomicInteger(IDLE);

	private volatile @Nullable Thread waiter;

	/** Marks the current thread as waiting; it may be interrupted until {@link #exit()}. */
	void enter() {
		this.waiter = Thread.currentThread();
		if (!this.state.compareAndSet(IDLE, WAITING)) {
			throw new IllegalStateException("A header wait can be entered once");
		}
	}

	/**
	 * Interrupts the waiting thread if it is between {@link #enter()} and {@link #exit()}.
	 * @return whether it was interrupted
	 */
	boolean interrupt() {
		if (!this.state.compareAndSet(WAITING, INTERRUPTING)) {
			return false;
		}
		try {
			Thread thread = this.waiter;
			if (thread != null) {
				thread.interrupt();
			}
		}
		finally {
			this.state.set(INTERRUPTED);
		}
		return true;
	}

	/**
	 * Ends the wait. When {@link #interrupt()} hit it, waits for the interrupt to land (a few instructions) and clears
	 * the thread's interrupt flag, so that it cannot disturb whatever the thread does next. Idempotent.
	 * @return whether the wait was interrupted
	 */
	boolean exit() {
		if (this.state.get() == DONE) {
			// Already left (exit runs both when the headers arrive and when the call fails): never clear an
			// interrupt that is not ours.
			return false;
		}
		if (this.state.compareAndSet(WAITING, DONE)) {
			this.waiter = null;
			return false;
		}
		while (this.state.get() == INTERRUPTING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		this.state.set(DONE);
		this.waiter = null;
		return true;
	}

}
