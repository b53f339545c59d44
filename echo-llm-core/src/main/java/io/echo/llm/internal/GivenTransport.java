package io.echo.llm.internal;

import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter for a {@code RestClient.Builder} the caller gave: its request factory is not visible on the builder, so
 * each exchange takes the adapter of the first thing the client hands over. An abort handle from the exec hook or an
 * Apache body stream means Apache ({@link ApacheTransport}); the JDK client's body stream means {@link JdkTransport};
 * any other client (Spring's {@code SimpleClientHttpRequestFactory}, Reactor Netty, Jetty) gets {@link Other}.
 */
final class GivenTransport implements HttpTransport {

	static final GivenTransport INSTANCE = new GivenTransport();

	private static final Logger logger = LoggerFactory.getLogger(GivenTransport.class);

	private GivenTransport() {
	}

	@Override
	public Connection connection() {
		return new Detecting();
	}

	/**
	 * Delegates to the adapter picked at {@link #register} or {@link #attach}. Before either, the client is unknown
	 * and the connection acts as the JDK client's: aborting interrupts a caller waiting for the headers, which is what
	 * wakes it on that client, and is cleared when the wait ends, so that it does no harm on another. Threads: the
	 * sending thread picks {@code chosen}; the watchdog or a cancelling thread reads it to abort, hence volatile.
	 */
	private static final class Detecting implements Connection {

		/** Owns the header wait, and becomes the chosen connection when the body is the JDK client's. */
		private final JdkTransport.JdkConnection untilKnown = new JdkTransport.JdkConnection();

		private volatile @Nullable Connection chosen;

		@Override
		public void awaitingHeaders() {
			this.untilKnown.awaitingHeaders();
		}

		@Override
		public void headersDone() {
			this.untilKnown.headersDone();
		}

		@Override
		public void register(Runnable abortHandle) {
			Connection apache = new ApacheTransport.ApacheConnection();
			apache.register(abortHandle);
			this.chosen = apache;
		}

		@Override
		public void attach(InputStream body) {
			Connection current = this.chosen;
			if (current == null) {
				current = ApacheTransport.isApacheBody(body) ? new ApacheTransport.ApacheConnection()
						: JdkTransport.isJdkBody(body) ? this.untilKnown : new Other();
			}
			current.attach(body);
			this.chosen = current;
		}

		@Override
		public @Nullable InputStream body() {
			Connection current = this.chosen;
			return (current != null) ? current.body() : null;
		}

		@Override
		public void abort() {
			Connection current = this.chosen;
			if (current != this.untilKnown) {
				// Wakes a header wait; its body, if any, is the chosen connection's.
				this.untilKnown.abort();
			}
			if (current != null) {
				current.abort();
			}
		}

		@Override
		public void finish(TimeoutWatchdog watchdog) {
			Connection current = this.chosen;
			if (current != null) {
				current.finish(watchdog);
			}
		}

		@Override
		public void close() {
			Connection current = this.chosen;
			if (current != null) {
				current.close();
			}
		}

	}

	/**
	 * A client the engine does not know: its body stream may read the rest of the body on close, or wait for the
	 * reader's lock, so an abort closes it on one of a few {@link Closers} threads, never on the watchdog's or a
	 * canceller's. A close that never returns (a server holding the connection open) keeps its thread: at most
	 * {@link Closers#THREADS} such, then later aborts queue, and the reader's own close or the server ends them.
	 * Threads: the sending thread sets {@code body}; an aborting thread reads it, hence volatile.
	 */
	static final class Other extends BodyConnection {

		@Override
		public void abort() {
			InputStream current = body();
			if (current != null) {
				try {
					Closers.EXECUTOR.execute(() -> HttpTransport.closeQuietly(current));
				}
				catch (RejectedExecutionException ex) {
					logger.debug("Too many aborts in flight: the body is closed when its reader ends", ex);
				}
			}
		}

	}

	/** Bounded daemon threads that close the body streams of unknown clients on abort; they end when idle. */
	private static final class Closers {

		static final int THREADS = 4;

		static final ExecutorService EXECUTOR = DaemonPools.create("echo-llm-abort-", THREADS, 10_000,
				new ThreadPoolExecutor.AbortPolicy());

	}

}
