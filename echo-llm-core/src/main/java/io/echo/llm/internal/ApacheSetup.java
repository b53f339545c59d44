package io.echo.llm.internal;

import java.time.Duration;

import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * The Apache HttpClient 5 set-up behind {@code io.echo.llm.http.ApacheHttpClients}, which documents each step: here
 * because the abort hook hands each request's abort handle to the engine ({@link ApacheTransport#register}), and the public class
 * must not reach into the engine's package-private parts. Not API: public only for {@code ApacheHttpClients}.
 */
public final class ApacheSetup {

	/** The exec interceptor's name in the client's chain. */
	public static final String ABORT_INTERCEPTOR = "echo-llm-abort";

	private static final ExecChainHandler ABORT_HOOK = (request, scope, chain) -> {
		// The original request is Spring's HttpUriRequestBase: cancelling it discards the connection (closing its
		// socket), from any thread, whether the caller waits for the response head or blocks in a body read.
		if (scope.originalRequest instanceof Cancellable cancellable) {
			ApacheTransport.register(cancellable::cancel);
		}
		return chain.proceed(request, scope);
	};

	// A connection that sat idle this long is checked before reuse: providers close idle keep-alive connections,
	// and a stale one would otherwise fail the next request before its first byte.
	private static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(2);

	/**
	 * How long a connection may sit unused in the pool before a background thread (one per client) closes it.
	 * Classic Apache HttpClient does not read a pooled connection, so it never sees the server close it: servers
	 * close idle keep-alive connections after seconds (uvicorn, as under vLLM, and Node after 5 s; proxies after a
	 * minute or more), and each such connection would stay half-closed ({@code CLOSE_WAIT}, holding a file descriptor)
	 * until it is leased again, which with last-in-first-out reuse may be never: after a burst of streams, all the
	 * connections it opened beyond the steady load. Ten seconds keeps a connection for the next call of a quick
	 * exchange, and closes any connection at most about 11 s after its last use (the evictor looks every tenth of this,
	 * at least every second).
	 */
	static final Duration MAX_IDLE = Duration.ofSeconds(10);

	/** Not API: shortens {@link #MAX_IDLE} (in milliseconds) so that tests need not wait for it. */
	static final String MAX_IDLE_PROPERTY = "echo.llm.http.max-idle-ms";

	private ApacheSetup() {
	}

	/**
	 * A request factory over a new Apache client set up as below.
	 * @param connectTimeout longest wait for a TCP (and TLS) connection; zero or negative for none
	 */
	public static ClientHttpRequestFactory requestFactory(Duration connectTimeout) {
		PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create();
		configureConnectionManager(pool);
		SocketConfig.Builder socket = SocketConfig.custom();
		configureSocket(socket);
		pool.setDefaultSocketConfig(socket.build());
		ConnectionConfig.Builder connection = ConnectionConfig.custom();
		configureConnection(connection);
		connection.setConnectTimeout(isPositive(connectTimeout) ? Timeout.of(connectTimeout) : Timeout.DISABLED);
		pool.setDefaultConnectionConfig(connection.build());
		HttpClientBuilder client = HttpClients.custom().setConnectionManager(pool.build());
		configureClient(client);
		return new HttpComponentsClientHttpRequestFactory(client.build());
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
		builder.addExecInterceptorFirst(ABORT_INTERCEPTOR, ABORT_HOOK)
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableContentCompression()
			.disableCookieManagement()
			.evictExpiredConnections()
			.evictIdleConnections(TimeValue.ofMilliseconds(maxIdle().toMillis()));
	}

	static Duration maxIdle() {
		String millis = System.getProperty(MAX_IDLE_PROPERTY);
		return (millis != null) ? Duration.ofMillis(Long.parseLong(millis.trim())) : MAX_IDLE;
	}

	/**
	 * No limit on connections per host or in all: every open stream holds one, and a limit would make the next
	 * stream wait unseen (Apache's defaults are 5 per host and 25 in all). The JDK client has no limit either.
	 * Connections that never log what they send: at DEBUG, Apache's own would log the API key and the prompt.
	 */
	public static void configureConnectionManager(PoolingHttpClientConnectionManagerBuilder builder) {
		builder.setMaxConnPerRoute(Integer.MAX_VALUE)
			.setMaxConnTotal(Integer.MAX_VALUE)
			.setConnectionFactory(QuietConnection.FACTORY);
	}

	/**
	 * No socket read timeout (Apache's default is 3 minutes): a quiet stream is the first-chunk and idle timeouts'
	 * business, which the engine enforces, and they may be off.
	 */
	public static void configureSocket(SocketConfig.Builder builder) {
		builder.setSoTimeout(Timeout.DISABLED).setTcpNoDelay(true);
	}

	/** No socket read timeout (see {@link #configureSocket}); idle pooled connections are checked before reuse. */
	public static void configureConnection(ConnectionConfig.Builder builder) {
		builder.setSocketTimeout(Timeout.DISABLED).setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY);
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isZero() && !duration.isNegative();
	}

}
