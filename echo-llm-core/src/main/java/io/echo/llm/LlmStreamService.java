package io.echo.llm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.client.RestClient;

/**
 * Calls an OpenAI-compatible {@code /chat/completions} endpoint, blocking or streaming.
 *
 * <pre>{@code
 * LlmStreamService llm = LlmStreamService.builder()
 *         .baseUrl("https://api.openai.com/v1")
 *         .apiKey(System.getenv("OPENAI_API_KEY"))
 *         .build();
 * }</pre>
 *
 * Instances are thread-safe and meant to be shared.
 */
public interface LlmStreamService {

	/**
	 * Sends the request without streaming and returns the whole response, retrying as {@link #stream} does.
	 * Interrupting the calling thread stops the call within a second in every phase: it throws
	 * {@link LlmCancelledException}, and the thread stays interrupted.
	 * @throws LlmException on any failure
	 */
	ChatCompletionResponse complete(ChatCompletionRequest request);

	/**
	 * Sends the request with {@code "stream": true} and returns once the response status is known. Failures before
	 * the first chunk is handed out are retried; later ones are thrown from the iteration. Interrupting the calling
	 * thread stops the call within a second in every phase (connecting, waiting for the headers, waiting to retry):
	 * it throws {@link LlmCancelledException}, and the thread stays interrupted. To stop it from another thread, pass
	 * an {@link LlmCancellation} ({@link #stream(ChatCompletionRequest, LlmCancellation)}).
	 * @throws LlmException when the call fails before the stream opens; {@link LlmCancelledException} when it is
	 * interrupted
	 */
	ChatCompletionStream stream(ChatCompletionRequest request);

	/**
	 * {@link #stream(ChatCompletionRequest)} that another thread can stop before it returns: after
	 * {@link LlmCancellation#cancel()} a call still connecting, waiting for the response headers or waiting to retry
	 * throws {@link LlmCancelledException} within a second, with its connection closed and no further attempt sent;
	 * a stream already returned ends as by {@link ChatCompletionStream#cancel()}. A relay uses this to stop the
	 * upstream call as soon as its own client goes away, whatever phase the call is in.
	 * <p>
	 * The default implementation can only stop the stream once {@code stream()} returned; the engine's stops it in
	 * every phase.
	 * @param cancellation the signal that stops the call; {@code null} for none
	 * @throws LlmCancelledException when the signal was (or is) given before the stream opened
	 */
	default ChatCompletionStream stream(ChatCompletionRequest request, @Nullable LlmCancellation cancellation) {
		if (cancellation == null) {
			return stream(request);
		}
		if (cancellation.isCancelled()) {
			throw new LlmCancelledException("The LLM call was cancelled before it started", null);
		}
		ChatCompletionStream stream = stream(request);
		cancellation.onCancel(stream::cancel);
		return stream;
	}

	/**
	 * {@link #complete(ChatCompletionRequest)} that another thread can stop in any phase (see
	 * {@link #stream(ChatCompletionRequest, LlmCancellation)}).
	 * <p>
	 * The default implementation only refuses to start once cancelled; the engine's stops the call in every phase.
	 * @param cancellation the signal that stops the call; {@code null} for none
	 * @throws LlmCancelledException when the signal is given before the response was read
	 */
	default ChatCompletionResponse complete(ChatCompletionRequest request, @Nullable LlmCancellation cancellation) {
		if (cancellation != null && cancellation.isCancelled()) {
			throw new LlmCancelledException("The LLM call was cancelled before it started", null);
		}
		return complete(request);
	}

	/** Returns a builder that starts from {@link LlmClientSettings#defaults()}. */
	static Builder builder() {
		return new Builder();
	}

	/** Builds an {@link LlmStreamService}. A zero or negative timeout disables it. Not thread-safe. */
	final class Builder {

		private LlmClientSettings settings = LlmClientSettings.defaults();

		private final Map<String, String> headers = new LinkedHashMap<>();

		private RestClient.@Nullable Builder restClient;

		private String clientName = "default";

		private LlmCallListener listener = LlmCallListener.NONE;

		Builder() {
		}

		/** Starts from the given settings (their headers replace those added so far). */
		public Builder settings(LlmClientSettings settings) {
			this.settings = Objects.requireNonNull(settings, "settings");
			this.headers.clear();
			this.headers.putAll(settings.headers());
			return this;
		}

		/** Base URL of the API, for instance {@code http://localhost:11434/v1}; {@code /chat/completions} is added. */
		public Builder baseUrl(String baseUrl) {
			this.settings = this.settings.withBaseUrl(Objects.requireNonNull(baseUrl, "baseUrl"));
			return this;
		}

		/** Bearer token for the {@code Authorization} header; {@code null} sends none. */
		public Builder apiKey(@Nullable String apiKey) {
			this.settings = this.settings.withApiKey(apiKey);
			return this;
		}

		/** Model applied to requests that name none. */
		public Builder model(@Nullable String model) {
			this.settings = this.settings.withModel(model);
			return this;
		}

		/** Adds a header sent with every request. */
		public Builder header(String name, String value) {
			this.headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
			return this;
		}

		/** Time allowed to open the TCP (and TLS) connection (default 10 s); fails with kind {@code CONNECT}. */
		public Builder connectTimeout(Duration timeout) {
			LlmClientSettings s = this.settings;
			this.settings = s.withTimeouts(timeout, s.firstChunkTimeout(), s.idleTimeout(), s.overallTimeout());
			return this;
		}

		/**
		 * Time allowed from sending the request until the first chunk (default 30 s); keep-alive comments, pings
		 * (events that carry no chunk) and partial events do not count. Fails with kind {@code FIRST_CHUNK}, retried
		 * while nothing was handed out. Raise it for models that think long before their first token.
		 */
		public Builder firstChunkTimeout(Duration timeout) {
			LlmClientSettings s = this.settings;
			this.settings = s.withTimeouts(s.connectTimeout(), timeout, s.idleTimeout(), s.overallTimeout());
			return this;
		}

		/**
		 * Time allowed waiting for the next chunk once one arrived (default 60 s); only chunks reset it, not
		 * keep-alive comments, pings or the bytes of an unfinished event. Fails with kind {@code IDLE}.
		 */
		public Builder idleTimeout(Duration timeout) {
			LlmClientSettings s = this.settings;
			this.settings = s.withTimeouts(s.connectTimeout(), s.firstChunkTimeout(), timeout, s.overallTimeout());
			return this;
		}

		/** Time allowed for the whole call, retries included (default off); fails with kind {@code OVERALL}. */
		public Builder overallTimeout(Duration timeout) {
			LlmClientSettings s = this.settings;
			this.settings = s.withTimeouts(s.connectTimeout(), s.firstChunkTimeout(), s.idleTimeout(), timeout);
			return this;
		}

		/** Attempts in all, the first included; 1 disables retry. */
		public Builder maxAttempts(int maxAttempts) {
			LlmClientSettings s = this.settings;
			this.settings = s.withRetry(maxAttempts, s.initialBackoff(), s.maxBackoff(), s.maxRetryAfter());
			return this;
		}

		/** First wait between attempts (default 500 ms), doubled for each further one, minus some jitter. */
		public Builder initialBackoff(Duration backoff) {
			LlmClientSettings s = this.settings;
			this.settings = s.withRetry(s.maxAttempts(), backoff, s.maxBackoff(), s.maxRetryAfter());
			return this;
		}

		/** Longest computed wait between attempts (default 8 s); a server's {@code Retry-After} may exceed it. */
		public Builder maxBackoff(Duration backoff) {
			LlmClientSettings s = this.settings;
			this.settings = s.withRetry(s.maxAttempts(), s.initialBackoff(), backoff, s.maxRetryAfter());
			return this;
		}

		/** Longest wait a server may ask for with {@code Retry-After}; a longer one fails the call at once. */
		public Builder maxRetryAfter(Duration maxRetryAfter) {
			LlmClientSettings s = this.settings;
			this.settings = s.withRetry(s.maxAttempts(), s.initialBackoff(), s.maxBackoff(), maxRetryAfter);
			return this;
		}

		/** Bound on one server-sent event, in bytes (default 4 MiB). */
		public Builder maxEventBytes(int maxEventBytes) {
			this.settings = this.settings.withMaxEventBytes(maxEventBytes);
			return this;
		}

		/**
		 * {@link RestClient.Builder} to build the HTTP client from (for instance Spring Boot's, so that its HTTP
		 * client settings, SSL bundles and customizers apply). It is cloned, not modified. {@code cancel()} and the
		 * timeouts abort a call at once over the JDK {@code HttpClient} and over Apache HttpClient 5; set Apache up
		 * with {@link io.echo.llm.http.ApacheHttpClients#configureClient} so that this holds before the response
		 * head too. Over other clients an abort closes the body stream on a thread of its own, which may take until
		 * the server sends more.
		 * <p>
		 * By default: Apache HttpClient 5 (blocking reads on the caller's thread, the lowest added latency) when
		 * {@code org.apache.httpcomponents.client5:httpclient5} is on the class path, else the JDK
		 * {@code HttpClient}; the system property {@code echo.llm.http-client} ({@code apache} or {@code jdk})
		 * pins one.
		 */
		public Builder restClient(RestClient.Builder restClient) {
			this.restClient = Objects.requireNonNull(restClient, "restClient");
			return this;
		}

		/** Name reported to the {@link LlmCallListener} (default {@code "default"}). */
		public Builder clientName(String clientName) {
			this.clientName = Objects.requireNonNull(clientName, "clientName");
			return this;
		}

		/** Listener told about every call, for metrics and tracing. */
		public Builder listener(LlmCallListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/** Builds the service; it holds one HTTP client, so build once per endpoint and share it. */
		public LlmStreamService build() {
			LlmClientSettings built = this.settings.withHeaders(this.headers);
			return EngineLookup.create(built, this.restClient, this.clientName, this.listener);
		}

	}

}
