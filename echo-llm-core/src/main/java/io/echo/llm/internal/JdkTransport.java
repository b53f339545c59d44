package io.echo.llm.internal;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.LlmClientSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * The JDK {@code HttpClient} adapter: closing its body stream returns at once and wakes a reader blocked in it (where
 * Spring's {@code JdkClientHttpResponse.close()} would drain the body first, which never returns on a connection the
 * server holds open). A caller waiting for the headers is woken through a {@link HeaderWait} instead: Spring's
 * request waits on the response future, and an interrupt there cancels the exchange.
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
	static final class JdkConnection implements Connection {

		private final HeaderWait headerWait = new HeaderWait();

		private volatile @Nullable InputStream body;

		@Override
		public void awaitingHeaders() {
			this.headerWait.enter();
		}

		@Override
		public void headersDone() {
			this.headerWait.exit();
		}

		@Override
		public void attach(InputStream body) {
			this.body = body;
		}

		@Override
		public @Nullable InputStream body() {
			return this.body;
		}

		@Override
		public void abort() {
			this.headerWait.interrupt();
			HttpTransport.closeQuietly(this.body);
		}

		@Override
		public void finish(TimeoutWatchdog watchdog) {
			// Nothing to drain for: close() releases the connection as it would after an early end.
		}

		@Override
		public void close() {
			HttpTransport.closeQuietly(this.body);
		}

	}

	/**
	 * Threads on which Spring's JDK request factory writes request bodies. Bounded and shared: a body is a few KiB
	 * written once the connection is ready, so a handful of threads serve any number of clients. Without it the
	 * factory would start a new thread per request.
	 */
	private static final class BodyWriters {

		static final ExecutorService EXECUTOR = create();

		private static ExecutorService create() {
			AtomicInteger count = new AtomicInteger();
			// Threads end 5 s after their last body: a burst of calls leaves none behind for long.
			ThreadPoolExecutor executor = new ThreadPoolExecutor(8, 8, 5, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(10_000), (task) -> {
						Thread thread = new Thread(task, "echo-llm-body-writer-" + count.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			executor.allowCoreThreadTimeOut(true);
			return executor;
		}

	}

}
