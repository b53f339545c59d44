package io.echo.llm.internal;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange (one attempt): how it ended early, its deadlines, and the thread blocked in it.
 * {@link #timeout} (watchdog thread), {@link #cancel} (any thread) and {@link #interrupt} (the interrupt watch) abort
 * it; how, whether the caller waits for the headers or reads the body, is the HTTP client's business, left to its
 * {@link HttpTransport.Connection}.
 * <p>
 * Threads: the sending thread hands over the abort handle (through the client's hook) and the body; the reading thread
 * sets the watch and the waiter; the watchdog, a cancelling thread and the interrupt watch read them to abort. So every
 * field is volatile or thread-safe, and {@code end} (who ended the exchange first) is atomic.
 */
final class Exchange {

	private static final Object CANCELLED = new Object();

	private static final Object CLOSED = new Object();

	/** The thread waiting in the exchange was interrupted: a cancel whose thread must stay interrupted. */
	private static final Object INTERRUPTED = new Object();

	/** {@code null} while open, then a {@link Kind}, {@link #CANCELLED} or {@link #CLOSED}. */
	private final AtomicReference<@Nullable Object> end = new AtomicReference<>();

	private final HttpTransport.Connection connection;

	private volatile TimeoutWatchdog.@Nullable Watch watch;

	private volatile @Nullable InterruptWatch interrupts;

	/** The thread blocked in the exchange (waiting for the headers, or reading the body), or {@code null}. */
	private volatile @Nullable Thread waiter;

	Exchange(HttpTransport transport) {
		this.connection = transport.connection();
	}

	/** The current thread sends the request and waits for the headers until {@link #headersDone()}. */
	void awaitingHeaders() {
		this.connection.awaitingHeaders();
	}

	/** The wait for the headers is over; idempotent. */
	void headersDone() {
		this.connection.headersDone();
	}

	void watch(TimeoutWatchdog.Watch watch) {
		this.watch = watch;
	}

	/** Lets the given watch abort this exchange when its waiting thread is interrupted, until it ends. */
	void watchInterrupts(InterruptWatch interrupts) {
		this.interrupts = interrupts;
		interrupts.add(this);
	}

	/** The current thread blocks in the exchange until {@link #stopWaiting()}; an interrupt of it aborts. */
	void startWaiting() {
		this.waiter = Thread.currentThread();
	}

	void stopWaiting() {
		this.waiter = null;
	}

	@Nullable Thread waiter() {
		return this.waiter;
	}

	/**
	 * A chunk (or, for a plain response, the headers or bytes of its body) arrived: from now on the idle deadline
	 * applies, and its clock starts again. Called by the thread that reads the body.
	 */
	void chunkArrived() {
		TimeoutWatchdog.Watch current = this.watch;
		if (current != null) {
			current.chunkArrived();
		}
	}

	/**
	 * The HTTP client's way to abort this exchange at once from any thread, without reading the rest of the body;
	 * run at once if the exchange was aborted already.
	 */
	void abortWith(Runnable handle) {
		this.connection.register(handle);
		if (aborted()) {
			this.connection.abort();
		}
	}

	/** Hands over the response body; closed at once if the exchange was aborted meanwhile. */
	void attach(InputStream body) {
		this.connection.attach(body);
		if (this.end.get() != null) {
			abort();
		}
	}

	InputStream body() {
		InputStream current = this.connection.body();
		if (current == null) {
			throw new IllegalStateException("No response body yet");
		}
		return current;
	}

	/** The given timeout expired: abort, unless the exchange already ended. */
	void timeout(Kind kind) {
		if (this.end.compareAndSet(null, kind)) {
			abort();
		}
	}

	/** The caller cancelled: abort, unless the exchange already ended. */
	void cancel() {
		if (this.end.compareAndSet(null, CANCELLED)) {
			abort();
		}
	}

	/** The thread waiting in the exchange was interrupted: abort as for a cancel, unless it already ended. */
	void interrupt() {
		if (this.end.compareAndSet(null, INTERRUPTED)) {
			abort();
		}
	}

	/**
	 * Sets the current thread's interrupt flag again if an interrupt aborted the exchange: aborting a header wait
	 * may interrupt the waiter once more, and {@link #headersDone()} clears that, which would clear the caller's too.
	 */
	void restoreInterrupt() {
		if (this.end.get() == INTERRUPTED) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The stream ended normally ({@code [DONE]}, or every choice finished) with its body perhaps not read to its
	 * end: the connection may read the rest, briefly, to go back to the pool; then closes as usual. Called by the
	 * thread that reads the body.
	 */
	void finish() {
		TimeoutWatchdog.Watch currentWatch = this.watch;
		if (currentWatch != null && this.end.get() == null) {
			currentWatch.stop();
			this.connection.finish(currentWatch.watchdog());
		}
		close();
	}

	/**
	 * The exchange is over (normally or not): stop its deadlines and release the connection. Called by the thread
	 * that reads the body. Idempotent.
	 */
	void close() {
		this.end.compareAndSet(null, CLOSED);
		stopWatch();
		this.connection.close();
	}

	/** Whether a timeout or a cancel aborted the exchange. */
	boolean aborted() {
		Object reason = this.end.get();
		return reason != null && reason != CLOSED;
	}

	/** Whether a cancel (or an interrupt of the waiting thread) aborted the exchange. */
	boolean cancelled() {
		Object reason = this.end.get();
		return reason == CANCELLED || reason == INTERRUPTED;
	}

	/** Whether an interrupt of the waiting thread aborted the exchange. */
	boolean interrupted() {
		return this.end.get() == INTERRUPTED;
	}

	/** The timeout that aborted the exchange, or {@code null}. */
	@Nullable Kind timedOut() {
		return (this.end.get() instanceof Kind kind) ? kind : null;
	}

	private void abort() {
		stopWatch();
		this.connection.abort();
	}

	private void stopWatch() {
		TimeoutWatchdog.Watch current = this.watch;
		if (current != null) {
			current.stop();
		}
		InterruptWatch currentInterrupts = this.interrupts;
		if (currentInterrupts != null) {
			currentInterrupts.remove(this);
		}
	}

}
