package io.echo.llm.http;

import java.time.Duration;

import io.echo.llm.internal.ApacheSetup;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;

import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * How echo-llm sets up Apache HttpClient 5 (classic, blocking I/O), its default transport when {@code httpclient5}
 * is on the class path. The thread that iterates a stream reads its own socket, so an event reaches it with one
 * wake-up instead of the three the JDK {@code HttpClient} needs (selector thread, executor thread, reader); see
 * BENCHMARKS.md for what that does to added latency and CPU per chunk.
 * <p>
 * Use these methods when you build the client yourself (Spring Boot's {@code HttpComponentsClientHttpRequestFactoryBuilder}
 * takes each as a customizer): {@link #configureClient} is required, because it installs the hook through which
 * {@code cancel()} and the first-chunk, idle and overall timeouts close a request's connection at once.
 * <p>
 * The set-up itself lives in the engine's package ({@code io.echo.llm.internal.ApacheSetup}), next to the abort
 * registry its hook feeds, so that this package depends on the engine and not the other way round.
 */
public final class ApacheHttpClients {

	/** The exec interceptor's name in the client's chain. */
	public static final String ABORT_INTERCEPTOR = ApacheSetup.ABORT_INTERCEPTOR;

	private ApacheHttpClients() {
	}

	/**
	 * A request factory over a new Apache client set up as below.
	 * @param connectTimeout longest wait for a TCP (and TLS) connection; zero or negative for none
	 */
	public static ClientHttpRequestFactory requestFactory(Duration connectTimeout) {
		return ApacheSetup.requestFactory(connectTimeout);
	}

	/**
	 * Installs the abort hook, and turns off what would break the engine's guarantees: redirects (one could carry
	 * the API key to another host), automatic retries (the engine retries only before the first byte, so that no
	 * output is ever duplicated), content compression (an inflater buffers between the socket and the caller) and
	 * cookies (one client serves many users). Closes pooled connections idle for 10 s, and those past the keep-alive
	 * time a server announced, on a daemon thread of the client's: else a connection the server closed meanwhile
	 * stays half-closed in the pool.
	 */
	public static void configureClient(HttpClientBuilder builder) {
		ApacheSetup.configureClient(builder);
	}

	/**
	 * No limit on connections per host or in all: every open stream holds one, and a limit would make the next
	 * stream wait unseen (Apache's defaults are 5 per host and 25 in all). The JDK client has no limit either.
	 * Connections that never log what they send: at DEBUG, Apache's own would log the API key and the prompt.
	 */
	public static void configureConnectionManager(PoolingHttpClientConnectionManagerBuilder builder) {
		ApacheSetup.configureConnectionManager(builder);
	}

	/**
	 * No socket read timeout (Apache's default is 3 minutes): a quiet stream is the first-chunk and idle timeouts'
	 * business, which the engine enforces, and they may be off.
	 */
	public static void configureSocket(SocketConfig.Builder builder) {
		ApacheSetup.configureSocket(builder);
	}

	/** No socket read timeout (see {@link #configureSocket}); idle pooled connections are checked before reuse. */
	public static void configureConnection(ConnectionConfig.Builder builder) {
		ApacheSetup.configureConnection(builder);
	}

}
