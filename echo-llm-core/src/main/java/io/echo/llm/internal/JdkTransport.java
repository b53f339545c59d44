package io.echo.llm.internal;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.LlmClientSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * The JDK {@code HttpClient} adapter: closing its body stream returns at once and wakes a reader blocked in it (where
 * Spring's {@code JdkClientHttpResponse.close()} would drain the body first, which never returns on a connection the
 * server holds open). A caller waiting for the headers is woken by an interrupt instead ({@link HeaderWait}):
 * Spring's request waits on the response future, and an interrupt there cancels the exchange.
 */
final class JdkTransport implements HttpTransport {

	static final JdkTransport INSTANCE = new JdkTransport();

	private JdkTransport() {
	}

	/** Whether the given body stream is the JDK client's: its class lives in the client's module. */
	static boolean isJdkBody(InputStream body) {
		return body.getClass().getModule() == HttpClient.class.getModule();
	}

	/** A request factory over a new JDK client, set up for streaming. */
	static JdkClientHttpRequestFactory requestFactory(LlmClientSettings settings) {
		// Redirects stay off (the JDK default): following one could carry the API key to another host.
		HttpClient.Builder client = HttpClient.newBuilder().executor(JdkClientThreads.EXECUTOR);
		Duration connectTimeout = settings.connectTimeout();
		if (!connectTimeout.isZero() && !connectTimeout.isNegative()) {
			client.connectTimeout(connectTimeout);
		}
		// No read timeout on the factory: it is a whole-exchange timer that would cut long streams. The
		// watchdog enforces first-chunk, idle and overall deadlines instead.
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client.build(), BodyWriters.EXECUTOR);
		// Without Accept-Encoding, servers send the stream as is: Spring's gzip wrapper blocks for the first body
		// byte while it looks for a body, and an inflater adds a buffer between the socket and the caller.
		factory.enableCompression(false);
		return factory;
	}

	@Override
	public Connection connection() {
		return new JdkConnection();
	}

	/**
	 * Aborting and closing both close the body stream, which returns at once. Threads: the sending thread sets the
	 * body; the watchdog or a cancelling thread reads it to abort, hence volatile.
	 */
	static final class JdkConnection extends BodyConnection {

		private final HeaderWait headerWait = new HeaderWait();

		@Override
		public void awaitingHeaders() {
			this.headerWait.enter();
		}

		@Override
		public void headersDone() {
			this.headerWait.exit();
		}

		@Override
		public void abort() {
			this.headerWait.interrupt();
			HttpTransport.closeQuietly(body());
		}

	}

	/**
	 * Lets another thread abort a caller that is blocked waiting for response headers, without an interrupt ever
	 * leaking past the wait. Spring's {@code JdkClientHttpRequest} waits for the headers with {@code future.get()} and,
	 * when interrupted, cancels the JDK {@code HttpClient}'s exchange (which closes the connection) and throws an
	 * {@code IOException}. There is no other handle on that wait: the request factory's read timeout is a
	 * whole-exchange timer that would also cut a long stream. So {@link JdkConnection#abort()} interrupts the waiting
	 * thread, but only while it is inside {@link #enter()}/{@link #exit()}; {@link #exit()} waits for an interrupt in
	 * flight and clears the flag it set.
	 * <p>
	 * Threads: the sending thread enters and exits; any aborting thread interrupts. {@code state} (atomic) says which
	 * may act, {@code waiter} is volatile.
	 */
	private static final class HeaderWait {

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
		 * Ends the wait. When {@link #interrupt()} hit it, waits for the interrupt to land (a few instructions) and
		 * clears the thread's interrupt flag, so that it cannot disturb whatever the thread does next. Idempotent.
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

	/**
	 * Threads on which Spring's JDK request factory writes request bodies. Bounded and shared: a body is a few KiB
	 * written once the connection is ready, so a handful of threads serve any number of clients. Without it the
	 * factory would start a new thread per request.
	 */
	private static final class BodyWriters {

		static final ExecutorService EXECUTOR = DaemonPools.create("echo-llm-body-writer-", 8, 10_000,
				new ThreadPoolExecutor.AbortPolicy());

	}

}
