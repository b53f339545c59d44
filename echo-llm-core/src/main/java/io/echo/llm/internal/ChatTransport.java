package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import io.echo.llm.LlmCancelledException;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * One HTTP attempt against {@code /chat/completions}: sends the body, waits for the status under the connect and
 * first-chunk deadlines, turns an error status into an {@code LlmApiException} (noting what the server said about
 * retrying) and hands back the open body of a 2xx response. The body is taken with {@code exchange(.., false)} so
 * that Spring never drains or closes it: the stream owns it from then on.
 */
final class ChatTransport {

	private static final Logger logger = LoggerFactory.getLogger(ChatTransport.class);

	private static final int MAX_ERROR_BODY = 64 * 1024;

	private static final int MAX_LOGGED = 2000;

	private final RestClient restClient;

	private final URI uri;

	private final LlmClientSettings settings;

	private final Deadlines.Timeouts timeouts;

	private final TimeoutWatchdog watchdog;

	private final Secrets secrets;

	private final URI displayUri;

	/**
	 * Apache HttpClient 5 when it is on the class path, else the JDK {@code HttpClient}; the system property
	 * {@value TransportChoice#PROPERTY} ({@code apache} or {@code jdk}) pins one. A caller's builder brings its own.
	 */
	private final HttpTransport transport;

	ChatTransport(LlmClientSettings settings, RestClient.@Nullable Builder restClient, TimeoutWatchdog watchdog) {
		this.settings = settings;
		URI base = URI.create(settings.baseUrl());
		String path = ((base.getRawPath() != null) ? base.getRawPath() : "").replaceAll("/+$", "") + "/chat/completions";
		// The path goes before a query the base URL may carry (Azure's ?api-version=...), not after it.
		this.uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + path
				+ ((base.getRawQuery() != null) ? "?" + base.getRawQuery() : ""));
		// What messages and logs name: no user info and no query, either of which may hold a credential.
		this.displayUri = URI.create(base.getScheme() + "://" + base.getHost()
				+ ((base.getPort() != -1) ? ":" + base.getPort() : "") + path);
		this.timeouts = Deadlines.Timeouts.of(settings);
		this.watchdog = watchdog;
		this.secrets = Secrets.of(settings);
		// The HTTP client, and with it how an exchange is aborted, is chosen here once (see HttpTransport).
		if (restClient != null) {
			this.transport = GivenTransport.INSTANCE;
			this.restClient = restClient.clone().build();
		}
		else if (TransportChoice.useApache()) {
			// The caller's thread reads its own socket.
			this.transport = ApacheTransport.INSTANCE;
			this.restClient = RestClient.builder()
				.requestFactory(ApacheSetup.requestFactory(settings.connectTimeout()))
				.build();
		}
		else {
			this.transport = JdkTransport.INSTANCE;
			this.restClient = RestClient.builder().requestFactory(JdkTransport.requestFactory(settings)).build();
		}
	}

	/** The endpoint as messages and logs name it: without user info or query, which may hold credentials. */
	URI uri() {
		return this.displayUri;
	}

	TimeoutWatchdog watchdog() {
		return this.watchdog;
	}

	/** The credentials this transport sends, to mask in whatever the provider answers. */
	Secrets secrets() {
		return this.secrets;
	}

	/**
	 * Sends one attempt and returns once a 2xx status arrived.
	 * @throws LlmException for an error status, an I/O failure or a timeout before the status
	 */
	Opened open(byte[] body, MediaType accept, long callStart, CallRetry retry, CallTracker tracker) {
		Exchange exchange = new Exchange(this.transport);
		Deadlines deadlines = new Deadlines(this.timeouts, callStart, this.watchdog.now());
		exchange.watch(this.watchdog.watch(deadlines, exchange::timeout));
		exchange.watchInterrupts(this.watchdog.interrupts());
		retry.attemptStarted(exchange);
		try {
			exchange.awaitingHeaders();
			exchange.startWaiting();
			if (Thread.currentThread().isInterrupted()) {
				exchange.interrupt();
			}
			if (exchange.aborted()) {
				throw new IllegalStateException("aborted before sending");
			}
			try (ApacheTransport.Sending sending = ApacheTransport.sending(exchange)) {
				return this.restClient.post()
					.uri(this.uri)
					.headers(this::addHeaders)
					.contentType(MediaType.APPLICATION_JSON)
					.accept(accept)
					.body(body)
					.exchange((request, response) -> opened(exchange, deadlines, response, retry), false);
			}
		}
		catch (LlmException ex) {
			exchange.close();
			throw ex;
		}
		catch (RuntimeException ex) {
			exchange.close();
			throw failure(exchange, ex, tracker);
		}
		finally {
			exchange.stopWaiting();
			exchange.headersDone();
			exchange.restoreInterrupt();
		}
	}

	private void addHeaders(HttpHeaders headers) {
		// The stream is read as it arrives, without an inflater buffering between the socket and the caller; a
		// server that compresses anyway is refused (ResponseChecks) rather than read as garbage.
		headers.set(HttpHeaders.ACCEPT_ENCODING, "identity");
		String apiKey = this.settings.apiKey();
		if (apiKey != null && !apiKey.isEmpty()) {
			headers.setBearerAuth(apiKey);
		}
		for (Map.Entry<String, String> header : this.settings.headers().entrySet()) {
			headers.set(header.getKey(), header.getValue());
		}
	}

	private Opened opened(Exchange exchange, Deadlines deadlines, ClientHttpResponse response, CallRetry retry)
			throws IOException {
		exchange.headersDone();
		exchange.attach(response.getBody());
		int status = response.getStatusCode().value();
		HttpHeaders headers = response.getHeaders();
		if (status >= 200 && status < 300) {
			ResponseChecks.checkEncoding(headers, this.displayUri, this.secrets::mask);
			return new Opened(exchange, deadlines, status, headers);
		}
		if (status >= 300 && status < 400) {
			exchange.close();
			throw ResponseChecks.redirect(status, headers, this.displayUri, this.secrets::mask);
		}
		String errorBody = readErrorBody(exchange);
		exchange.close();
		Duration wait = RetryAfter.from(headers, Clock.systemUTC());
		retry.serverSaid(wait, shouldRetry(headers));
		if (logger.isTraceEnabled()) {
			logger.trace("HTTP {} body: {}", status, Texts.abbreviate(this.secrets.maskRaw(errorBody), MAX_LOGGED));
		}
		throw ProviderErrors.apiException(status, errorBody, wait, this.secrets);
	}

	private static @Nullable Boolean shouldRetry(HttpHeaders headers) {
		String value = headers.getFirst("x-should-retry");
		if ("true".equalsIgnoreCase(value)) {
			return Boolean.TRUE;
		}
		return "false".equalsIgnoreCase(value) ? Boolean.FALSE : null;
	}

	/** Up to 64 KiB of the error body; whatever arrived when the read fails or a deadline cuts it. */
	private static String readErrorBody(Exchange exchange) {
		byte[] buffer = new byte[MAX_ERROR_BODY];
		int length = 0;
		try {
			InputStream body = exchange.body();
			int read;
			while (length < buffer.length && (read = body.read(buffer, length, buffer.length - length)) != -1) {
				length += read;
			}
		}
		catch (IOException ex) {
			logger.debug("Error body cut short", ex);
		}
		return new String(Arrays.copyOf(buffer, length), StandardCharsets.UTF_8);
	}

	/** Maps a failure with no usable response to the exception the caller sees. */
	LlmException failure(Exchange exchange, Exception ex, CallTracker tracker) {
		if (exchange.cancelled()) {
			exchange.restoreInterrupt();
			return new LlmCancelledException("The LLM call was cancelled", ex);
		}
		Kind kind = exchange.timedOut();
		if (kind == null && Thread.currentThread().isInterrupted()) {
			// The JDK client woke up on the caller's interrupt before the watchdog noticed it.
			return new LlmCancelledException("The LLM call was interrupted", ex);
		}
		if (kind == null && isConnectTimeout(ex)) {
			kind = Kind.CONNECT;
		}
		if (kind != null) {
			return timeout(kind, tracker);
		}
		String what = (ex instanceof RestClientException && ex.getCause() != null) ? ex.getCause().toString()
				: ex.toString();
		// The HTTP client quotes the status or header line it could not parse, which a provider may fill with the key.
		String masked = this.secrets.mask(what);
		return new LlmNetworkException("Could not talk to the LLM provider at " + this.displayUri + ": " + masked,
				quotesSecret(ex) ? null : ex);
	}

	// Spring's and the clients' messages quote the request URL (and with it a credential in the base URL) or a
	// malformed line of the response: a cause that quotes a secret anywhere in its chain is not kept.
	private boolean quotesSecret(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			String text = String.valueOf(cause.getMessage());
			if (!this.secrets.mask(text).equals(text)) {
				return true;
			}
		}
		return false;
	}

	LlmTimeoutException timeout(Kind kind, CallTracker tracker) {
		tracker.timeout(kind);
		Duration duration = (kind == Kind.CONNECT) ? this.settings.connectTimeout() : this.timeouts.duration(kind);
		return new LlmTimeoutException(kind, duration);
	}

	/**
	 * The JDK client's {@link HttpConnectTimeoutException}, or what other request factories of a given
	 * {@code RestClient.Builder} throw: Apache's {@code ConnectTimeoutException}, or a
	 * {@link SocketTimeoutException} saying "Connect timed out".
	 */
	private static boolean isConnectTimeout(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpConnectTimeoutException
					|| cause.getClass().getSimpleName().equals("ConnectTimeoutException")
					|| (cause instanceof SocketTimeoutException && cause.getMessage() != null
							&& cause.getMessage().toLowerCase(Locale.ROOT).contains("connect"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads the next bytes of an open body. The idle clock runs only while the reader waits here, not while the
	 * caller works between reads.
	 */
	int read(Opened opened, byte[] buffer) throws IOException {
		Deadlines deadlines = opened.deadlines();
		Exchange exchange = opened.exchange();
		if (Thread.currentThread().isInterrupted()) {
			// A socket read would not notice; the interrupt watch would, a period later.
			exchange.interrupt();
		}
		deadlines.readStarted(this.watchdog.now());
		exchange.startWaiting();
		try {
			return exchange.body().read(buffer);
		}
		finally {
			exchange.stopWaiting();
			deadlines.readEnded(this.watchdog.now());
		}
	}

	/**
	 * A response with a 2xx status whose body is open.
	 *
	 * @param exchange owns the body; closing it releases the connection
	 * @param deadlines the attempt's deadlines, still watched
	 * @param status the HTTP status
	 * @param headers the response headers
	 */
	record Opened(Exchange exchange, Deadlines deadlines, int status, HttpHeaders headers) {
	}

}
