package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange (one attempt): the response body stream once the headers arrived, and how it ended early.
 * {@link #timeout} (watchdog thread) and {@link #cancel} (any thread) abort it.
 * <p>
 * How depends on the HTTP client. Apache HttpClient 5 registers an {@linkplain #abortWith abort handle} (its
 * request's {@code cancel()}, which closes the socket at once, whether the caller waits for the headers or blocks
 * in a body read); closing its body stream instead would read the rest of the body first. On the JDK
 * {@code HttpClient} a reader waiting for the headers is interrupted through the {@link HeaderWait} and a reader
 * blocked in a body read wakes when the body {@code InputStream} is closed (Spring's
 * {@code JdkClientHttpResponse.close()} would drain the body first, which never returns on a connection the server
 * holds open).
 * <p>
 * Threads: the sending thread sets the abort handle (through the client's hook) and the body; the reading thread sets
 * the watch and the waiter; the watchdog, a cancelling thread and the interrupt watch read them to abort. So every
 * field is volatile, and {@code end} (who ended the exchange first) is atomic.
 */
final class Exchange {

	private static final Object CANCELLED = new Object();

	private static final Object CLOSED = new Object();

	/** The thread waiting in the exchange was interrupted: a cancel whose thread must stay interrupted. */
	private static final Object INTERRUPTED = new Object();

	/** How long {@link #finish()} waits for the rest of a body. */
	private static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** How much of a body {@link #finish()} reads, at most, to reuse its connection. */
	private static final int DRAIN_BYTES = 16 * 1024;

	private final HeaderWait headerWait = new HeaderWait();

	/** {@code null} while open, then a {@link Kind}, {@link #CANCELLED} or {@link #CLOSED}. */
	private final AtomicReference<@Nullable Object> end = new AtomicReference<>();

	private volatile @Nullable InputStream body;

	private volatile TimeoutWatchdog.@Nullable Watch watch;

	private volatile @Nullable Runnable abortHandle;

	private volatile @Nullable InterruptWatch interrupts;

	/** The thread blocked in the exchange (waiting for the headers, or reading the body), or {@code null}. */
	private volatile @Nullable Thread waiter;

	HeaderWait headerWait() {
		return this.headerWait;
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
		this.abortHandle = handle;
		if (aborted()) {
			handle.run();
		}
	}

	/** Hands over the response body; closed at once if the exchange was aborted meanwhile. */
	void attach(InputStream body) {
		this.body = body;
		if (this.abortHandle == null) {
			// An Apache client built without ApacheHttpClients: its body stream can still drop the connection.
			Runnable handle = ApacheBodies.abortHandle(body);
			if (handle != null) {
				abortWith(handle);
			}
		}
		if (this.end.get() != null) {
			abort();
		}
	}

	InputStream body() {
		InputStream current = this.body;
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
	 * interrupts the waiter once more and {@link HeaderWait#exit()} clears that, which would clear the caller's too.
	 */
	void restoreInterrupt() {
		if (this.end.get() == INTERRUPTED) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The stream ended normally ({@code [DONE]}, or every choice finished) with its body perhaps not read to its
	 * end. With an abort handle (Apache), reads what is left, normally just the chunked body's terminator sent with
	 * the last event, for at most {@link #DRAIN_NANOS} and {@link #DRAIN_BYTES}: a body read to its end puts the
	 * connection back in the pool, so that the next call skips a new TCP and TLS handshake. Then closes as usual, which
	 * drops the connection if the rest did not come. Called by the thread that reads the body.
	 */
	void finish() {
		Runnable handle = this.abortHandle;
		InputStream current = this.body;
		TimeoutWatchdog.Watch currentWatch = this.watch;
		if (handle != null && current != null && currentWatch != null && this.end.get() == null) {
			currentWatch.stop();
			ScheduledFuture<?> limit = currentWatch.watchdog().schedule(handle, DRAIN_NANOS);
			try {
				byte[] rest = new byte[1024];
				long total = 0;
				int read;
				while (total <= DRAIN_BYTES && (read = current.read(rest)) >= 0) {
					total += read;
				}
			}
			catch (IOException ex) {
				// Cut by the limit, a cancel or the server: the connection is dropped below, as without a drain.
			}
			finally {
				limit.cancel(false);
			}
		}
		close();
	}

	/**
	 * The exchange is over (normally or not): stop its deadlines and release the connection. Called by the thread
	 * that reads the body. With an abort handle, a body read to its end has already gone back to the pool, and one
	 * that was not is dropped rather than read to its end. Idempotent.
	 */
	void close() {
		this.end.compareAndSet(null, CLOSED);
		stopWatch();
		Runnable handle = this.abortHandle;
		if (handle != null) {
			handle.run();
		}
		closeBody();
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
		this.headerWait.interrupt();
		Runnable handle = this.abortHandle;
		if (handle != null) {
			// The reader closes the body itself once its read fails: body streams are not safe across threads.
			handle.run();
		}
		else if (isJdkBody(this.body)) {
			closeBody();
		}
		else {
			// Another client's body stream (a RestClient.Builder given by the caller) may read the rest of the body
			// on close, or wait for the reader's lock: never on the watchdog's or a canceller's thread.
			Thread closer = new Thread(this::closeBody, "echo-llm-abort");
			closer.setDaemon(true);
			closer.start();
		}
	}

	/** The JDK {@code HttpClient}'s body stream (or none yet): closing it returns at once. */
	private static boolean isJdkBody(@Nullable InputStream body) {
		return body == null || body.getClass().getName().startsWith("jdk.internal.net.http.");
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

	private void closeBody() {
		InputStream current = this.body;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException ex) {
				// Closing is all we wanted; a failure means the connection is gone already.
			}
		}
	}

}
