package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The Apache HttpClient 5 adapter. Its abort handle is the request's {@code cancel()}, which closes the socket at once,
 * whether the caller waits for the headers or blocks in a body read; closing its body stream instead would read the
 * rest of the body first. The exec hook that {@link ApacheSetup} installs hands the handle over ({@link #register});
 * for a client built without that hook, the body stream's own {@code abort()} serves once the headers arrived.
 * <p>
 * Loads no Apache class until it sees an Apache body ({@link Bodies}), so that {@link GivenTransport} can ask it
 * without Apache on the class path.
 */
final class ApacheTransport implements HttpTransport {

	static final ApacheTransport INSTANCE = new ApacheTransport();

	/** The exchange whose request the current thread is sending, for the exec hook ({@link #register}). */
	private static final ThreadLocal<@Nullable Exchange> SENDING = new ThreadLocal<>();

	/** How long {@link ApacheConnection#finish} waits for the rest of a body. */
	private static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** How much of a body {@link ApacheConnection#finish} reads, at most, to reuse its connection. */
	private static final int DRAIN_BYTES = 16 * 1024;

	private ApacheTransport() {
	}

	/**
	 * Gives the exchange whose request the current thread is sending a way to abort it at once from any thread
	 * (closing its connection, so that a blocked read returns). Called by the exec hook, which runs on the sending
	 * thread inside the client; does nothing outside an engine call.
	 */
	static void register(Runnable abort) {
		Exchange exchange = SENDING.get();
		if (exchange != null) {
			exchange.abortWith(abort);
		}
	}

	/** Marks the current thread as sending the given exchange's request until the returned scope is closed. */
	static Sending sending(Exchange exchange) {
		SENDING.set(exchange);
		return SENDING::remove;
	}

	/** Whether the given body stream is Apache's (one with an abort handle). */
	static boolean isApacheBody(InputStream body) {
		return Bodies.abortHandle(body) != null;
	}

	@Override
	public Connection connection() {
		return new ApacheConnection();
	}

	/** Ends {@link #sending}. */
	interface Sending extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * Aborting runs the abort handle; closing runs it too, so that a body not read to its end is never drained.
	 * Threads: the sending thread sets the handle (through the exec hook) and the body; the watchdog or a cancelling
	 * thread reads them to abort, hence both volatile.
	 */
	static final class ApacheConnection extends BodyConnection {

		private volatile @Nullable Runnable abortHandle;

		@Override
		public void register(Runnable abortHandle) {
			this.abortHandle = abortHandle;
		}

		@Override
		public void attach(InputStream body) {
			super.attach(body);
			if (this.abortHandle == null) {
				// A client built without ApacheHttpClients: its body stream can still drop the connection.
				Runnable handle = Bodies.abortHandle(body);
				if (handle != null) {
					this.abortHandle = handle;
				}
			}
		}

		@Override
		public void abort() {
			Runnable handle = this.abortHandle;
			if (handle != null) {
				// The reader closes the body itself once its read fails: body streams are not safe across threads.
				handle.run();
			}
			else {
				// No handle and a body that is not Apache's stream (none at all, or an empty one): closing returns.
				HttpTransport.closeQuietly(body());
			}
		}

		/**
		 * Reads what is left, normally just the chunked body's terminator sent with the last event, for at most
		 * {@link #DRAIN_NANOS} and {@link #DRAIN_BYTES}: a body read to its end puts the connection back in the pool,
		 * so that the next call skips a new TCP and TLS handshake. {@link #close()} then drops the connection if the
		 * rest did not come.
		 */
		@Override
		public void finish(TimeoutWatchdog watchdog) {
			Runnable handle = this.abortHandle;
			InputStream current = body();
			if (handle == null || current == null) {
				return;
			}
			ScheduledFuture<?> limit = watchdog.schedule(handle, DRAIN_NANOS);
			try {
				byte[] rest = new byte[1024];
				long total = 0;
				int read;
				while (total <= DRAIN_BYTES && (read = current.read(rest)) >= 0) {
					total += read;
				}
			}
			catch (IOException ex) {
				// Cut by the limit, a cancel or the server: the connection is dropped on close, as without a drain.
			}
			finally {
				limit.cancel(false);
			}
		}

		/** A body read to its end has already gone back to the pool; one that was not is dropped, not read. */
		@Override
		public void close() {
			Runnable handle = this.abortHandle;
			if (handle != null) {
				handle.run();
			}
			super.close();
		}

	}

	/** The abort handle of Apache's body stream. */
	private static final class Bodies {

		private static final boolean PRESENT = ClassUtils
			.isPresent("org.apache.hc.core5.http.io.EofSensorInputStream", Bodies.class.getClassLoader());

		static @Nullable Runnable abortHandle(InputStream body) {
			return PRESENT ? Present.abortHandle(body) : null;
		}

		/** Kept apart so that nothing loads Apache's classes when they are absent. */
		private static final class Present {

			static @Nullable Runnable abortHandle(InputStream body) {
				if (!(body instanceof EofSensorInputStream stream)) {
					return null;
				}
				return () -> {
					try {
						// Drops the connection (closing the socket): returns at once and wakes a blocked reader.
						stream.abort();
					}
					catch (IOException ex) {
						// Dropping the connection is all we wanted; a failure means it is gone already.
					}
				};
			}

		}

	}

}
