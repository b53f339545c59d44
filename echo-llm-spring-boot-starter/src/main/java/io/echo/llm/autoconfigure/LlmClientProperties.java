package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The keys of one client, bound both at the top level ({@code echo.llm.*}, {@link EchoLlmProperties}, with defaults)
 * and for each named client ({@code echo.llm.clients.<name>.*}, where a key left unset, {@code null}, is taken from
 * the top level). One class for both, as Spring Boot does for settings shared by several prefixes, so that a new key
 * is added once.
 * <p>
 * Threads: a mutable JavaBean for the binder, written while the context starts and only read afterwards (by the
 * auto-configuration, on the thread that creates the beans); nothing changes it at run time.
 */
public class LlmClientProperties {

	static final String MASK = "******";

	/**
	 * Base URL of the OpenAI-compatible API; '/chat/completions' is appended. For instance
	 * 'http://localhost:11434/v1'.
	 */
	private @Nullable String baseUrl;

	/**
	 * API key sent as a bearer token in the 'Authorization' header. Local servers usually need none. A named client
	 * that sets it to an empty value sends none.
	 */
	private @Nullable String apiKey;

	/**
	 * Model applied to requests that name none. For instance 'gpt-4o-mini'.
	 */
	private @Nullable String model;

	/**
	 * Extra headers sent with every request, for instance Azure's 'api-key' or 'OpenAI-Organization'. A named
	 * client's are added to the top-level ones (same name: its value wins; an empty value removes it).
	 */
	private Map<String, String> headers = new LinkedHashMap<>();

	/**
	 * Timeouts of each call.
	 */
	private final Timeouts timeouts = new Timeouts();

	/**
	 * Retry of failures before the first chunk.
	 */
	private final Retry retry = new Retry();

	/**
	 * Limits on the event stream.
	 */
	private final Stream stream = new Stream();

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public @Nullable String getModel() {
		return this.model;
	}

	public void setModel(@Nullable String model) {
		this.model = model;
	}

	public Map<String, String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(Map<String, String> headers) {
		this.headers = headers;
	}

	public Timeouts getTimeouts() {
		return this.timeouts;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Stream getStream() {
		return this.stream;
	}

	/** Masks the API key, header values and any credentials in the base URL. */
	@Override
	public String toString() {
		return "baseUrl=" + maskUrl(this.baseUrl) + ", apiKey=" + mask(this.apiKey) + ", model=" + this.model
				+ ", headers=" + maskValues(this.headers) + ", timeouts=" + this.timeouts + ", retry=" + this.retry
				+ ", stream=" + this.stream;
	}

	static String mask(@Nullable String secret) {
		return (secret != null) ? MASK : "none";
	}

	// A base URL may carry credentials in its user info or query (an Azure-style "?api-key=").
	static @Nullable String maskUrl(@Nullable String url) {
		return (url != null) ? LlmClientSettingsMapper.safeUrl(url) : null;
	}

	static Map<String, String> maskValues(Map<String, String> headers) {
		Map<String, String> masked = new LinkedHashMap<>();
		headers.keySet().forEach((name) -> masked.put(name, MASK));
		return masked;
	}

	/**
	 * Timeouts. Zero disables one.
	 */
	public static class Timeouts {

		/**
		 * Time allowed to open the connection.
		 */
		private @Nullable Duration connect;

		/**
		 * Time allowed from sending the request until the first event of the stream.
		 */
		private @Nullable Duration firstChunk;

		/**
		 * Time allowed between two events once the first arrived. Keep-alive comments count as events.
		 */
		private @Nullable Duration idle;

		/**
		 * Time allowed for the whole stream. Zero means no limit.
		 */
		private @Nullable Duration overall;

		public @Nullable Duration getConnect() {
			return this.connect;
		}

		public void setConnect(@Nullable Duration connect) {
			this.connect = connect;
		}

		public @Nullable Duration getFirstChunk() {
			return this.firstChunk;
		}

		public void setFirstChunk(@Nullable Duration firstChunk) {
			this.firstChunk = firstChunk;
		}

		public @Nullable Duration getIdle() {
			return this.idle;
		}

		public void setIdle(@Nullable Duration idle) {
			this.idle = idle;
		}

		public @Nullable Duration getOverall() {
			return this.overall;
		}

		public void setOverall(@Nullable Duration overall) {
			this.overall = overall;
		}

		@Override
		public String toString() {
			return "Timeouts[connect=" + this.connect + ", firstChunk=" + this.firstChunk + ", idle=" + this.idle
					+ ", overall=" + this.overall + "]";
		}

	}

	/**
	 * Retry of failures before the first chunk reaches the caller.
	 */
	public static class Retry {

		/**
		 * Attempts in all, the first included. 1 disables retry.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait before the second attempt, doubled for each further one.
		 */
		private @Nullable Duration initialBackoff;

		/**
		 * Longest computed wait between two attempts. A wait the server asks for may be longer.
		 */
		private @Nullable Duration maxBackoff;

		/**
		 * Longest wait a server may ask for with 'Retry-After'; a longer one fails the call at once.
		 */
		private @Nullable Duration maxRetryAfter;

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(@Nullable Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public @Nullable Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(@Nullable Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public @Nullable Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(@Nullable Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

		@Override
		public String toString() {
			return "Retry[maxAttempts=" + this.maxAttempts + ", initialBackoff=" + this.initialBackoff
					+ ", maxBackoff=" + this.maxBackoff + ", maxRetryAfter=" + this.maxRetryAfter + "]";
		}

	}

	/**
	 * Limits on the event stream.
	 */
	public static class Stream {

		/**
		 * Largest server-sent event accepted; a larger one fails the stream.
		 */
		private @Nullable DataSize maxEventSize;

		/**
		 * Whether a streaming request that sets no stream_options asks the provider for a final usage chunk, for
		 * token metrics. The relays pass that chunk on only to clients that asked for it. Turn off for servers that
		 * reject stream_options.
		 */
		private @Nullable Boolean includeUsage;

		public @Nullable DataSize getMaxEventSize() {
			return this.maxEventSize;
		}

		public void setMaxEventSize(@Nullable DataSize maxEventSize) {
			this.maxEventSize = maxEventSize;
		}

		public @Nullable Boolean getIncludeUsage() {
			return this.includeUsage;
		}

		public void setIncludeUsage(@Nullable Boolean includeUsage) {
			this.includeUsage = includeUsage;
		}

		@Override
		public String toString() {
			return "Stream[maxEventSize=" + this.maxEventSize + ", includeUsage=" + this.includeUsage + "]";
		}

	}

}
