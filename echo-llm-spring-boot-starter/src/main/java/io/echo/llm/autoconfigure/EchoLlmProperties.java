package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of echo-llm, bound from {@code echo.llm.*}.
 * <p>
 * The top-level keys configure the primary {@link io.echo.llm.LlmStreamService}; each entry under
 * {@code echo.llm.clients.<name>} configures a named client of {@link io.echo.llm.LlmClients}, and every key it leaves
 * unset is taken from the top level.
 *
 * @see EchoLlmAutoConfiguration
 */
@ConfigurationProperties("echo.llm")
public class EchoLlmProperties {

	private static final String MASK = "******";

	/**
	 * Whether to auto-configure echo-llm.
	 */
	private boolean enabled = true;

	/**
	 * Base URL of the OpenAI-compatible API; '/chat/completions' is appended. For instance
	 * 'http://localhost:11434/v1'.
	 */
	private String baseUrl = "https://api.openai.com/v1";

	/**
	 * API key sent as a bearer token in the 'Authorization' header. Local servers usually need none.
	 */
	private @Nullable String apiKey;

	/**
	 * Model applied to requests that name none. For instance 'gpt-4o-mini'.
	 */
	private @Nullable String model;

	/**
	 * Extra headers sent with every request, for instance Azure's 'api-key' or 'OpenAI-Organization'.
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

	/**
	 * Browser relay: resumable streams.
	 */
	private final Relay relay = new Relay();

	/**
	 * Named clients. Each takes any key of 'echo.llm' except 'enabled' and 'relay'; keys it leaves unset are inherited
	 * from the top level, the API key and headers included.
	 */
	private Map<String, Client> clients = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
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

	public Relay getRelay() {
		return this.relay;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	public void setClients(Map<String, Client> clients) {
		this.clients = clients;
	}

	/** Masks the API key, header values and any credentials in the base URL. */
	@Override
	public String toString() {
		return "EchoLlmProperties[enabled=" + this.enabled + ", baseUrl=" + maskUrl(this.baseUrl) + ", apiKey="
				+ mask(this.apiKey) + ", model=" + this.model + ", headers=" + maskValues(this.headers) + ", timeouts="
				+ this.timeouts + ", retry=" + this.retry + ", stream=" + this.stream + ", relay=" + this.relay
				+ ", clients=" + this.clients + "]";
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
		private Duration connect = Duration.ofSeconds(10);

		/**
		 * Time allowed from sending the request until the first event of the stream.
		 */
		private Duration firstChunk = Duration.ofSeconds(30);

		/**
		 * Time allowed between two events once the first arrived. Keep-alive comments count as events.
		 */
		private Duration idle = Duration.ofSeconds(60);

		/**
		 * Time allowed for the whole stream. Zero means no limit.
		 */
		private Duration overall = Duration.ZERO;

		public Duration getConnect() {
			return this.connect;
		}

		public void setConnect(Duration connect) {
			this.connect = connect;
		}

		public Duration getFirstChunk() {
			return this.firstChunk;
		}

		public void setFirstChunk(Duration firstChunk) {
			this.firstChunk = firstChunk;
		}

		public Duration getIdle() {
			return this.idle;
		}

		public void setIdle(Duration idle) {
			this.idle = idle;
		}

		public Duration getOverall() {
			return this.overall;
		}

		public void setOverall(Duration overall) {
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
		private int maxAttempts = 3;

		/**
		 * Wait before the second attempt, doubled for each further one.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * Longest computed wait between two attempts. A wait the server asks for may be longer.
		 */
		private Duration maxBackoff = Duration.ofSeconds(8);

		/**
		 * Longest wait a server may ask for with 'Retry-After'; a longer one fails the call at once.
		 */
		private Duration maxRetryAfter = Duration.ofSeconds(60);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
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
		private DataSize maxEventSize = DataSize.ofMegabytes(4);

		/**
		 * Whether a streaming request that sets no stream_options asks the provider for a final usage chunk, for
		 * token metrics. The relays pass that chunk on only to clients that asked for it. Turn off for servers that
		 * reject stream_options.
		 */
		private boolean includeUsage = true;

		public DataSize getMaxEventSize() {
			return this.maxEventSize;
		}

		public void setMaxEventSize(DataSize maxEventSize) {
			this.maxEventSize = maxEventSize;
		}

		public boolean isIncludeUsage() {
			return this.includeUsage;
		}

		public void setIncludeUsage(boolean includeUsage) {
			this.includeUsage = includeUsage;
		}

		@Override
		public String toString() {
			return "Stream[maxEventSize=" + this.maxEventSize + ", includeUsage=" + this.includeUsage + "]";
		}

	}

	/**
	 * Browser relay: whether replies survive a dropped connection, and where their events are kept meanwhile.
	 */
	public static class Relay {

		/**
		 * Whether browser-format replies are resumable: each event gets an id, a client that lost its connection
		 * resumes with 'Last-Event-ID' at '/api/chat/streams/{id}', and a disconnect no longer cancels the upstream at
		 * once.
		 */
		private boolean resumable;

		/**
		 * Where resumable streams are kept: 'memory' for one instance, 'redis' for several instances sharing a Redis
		 * server (needs spring-boot-starter-data-redis).
		 */
		private StoreType store = StoreType.MEMORY;

		/**
		 * Time the upstream keeps streaming while no client follows it; after that it is cancelled.
		 */
		private Duration resumeWindow = Duration.ofSeconds(30);

		/**
		 * Time a finished stream can still be replayed.
		 */
		private Duration retention = Duration.ofMinutes(5);

		/**
		 * Most streams kept by the memory store; when full, the stream that finished first is dropped.
		 */
		private int maxStreams = 1000;

		/**
		 * Most event bytes kept per stream; beyond it the oldest events are dropped and a client that had not read
		 * them gets an error event.
		 */
		private DataSize maxStreamBytes = DataSize.ofMegabytes(1);

		/**
		 * Largest request body the relays' endpoints read (LlmRequestReader); a larger one gets 413. Room for a
		 * long conversation with a few inline images.
		 */
		private DataSize maxRequestSize = DataSize.ofMegabytes(8);

		public boolean isResumable() {
			return this.resumable;
		}

		public void setResumable(boolean resumable) {
			this.resumable = resumable;
		}

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public Duration getResumeWindow() {
			return this.resumeWindow;
		}

		public void setResumeWindow(Duration resumeWindow) {
			this.resumeWindow = resumeWindow;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getMaxStreams() {
			return this.maxStreams;
		}

		public void setMaxStreams(int maxStreams) {
			this.maxStreams = maxStreams;
		}

		public DataSize getMaxStreamBytes() {
			return this.maxStreamBytes;
		}

		public void setMaxStreamBytes(DataSize maxStreamBytes) {
			this.maxStreamBytes = maxStreamBytes;
		}

		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		@Override
		public String toString() {
			return "Relay[resumable=" + this.resumable + ", store=" + this.store + ", resumeWindow="
					+ this.resumeWindow + ", retention=" + this.retention + ", maxStreams=" + this.maxStreams
					+ ", maxStreamBytes=" + this.maxStreamBytes + ", maxRequestSize=" + this.maxRequestSize + "]";
		}

		/** Where resumable streams are kept. */
		public enum StoreType {

			/** In this instance's memory. */
			MEMORY,

			/** In Redis, shared by every instance. */
			REDIS

		}

	}

	/**
	 * Named client: every key left unset (null) is taken from the top level.
	 */
	public static class Client {

		/**
		 * Base URL of the OpenAI-compatible API. Inherited when unset.
		 */
		private @Nullable String baseUrl;

		/**
		 * API key sent as a bearer token. Inherited when unset; set it to an empty value to send none.
		 */
		private @Nullable String apiKey;

		/**
		 * Model applied to requests that name none. Inherited when unset.
		 */
		private @Nullable String model;

		/**
		 * Extra headers, added to the top-level ones (same name: this value wins; an empty value removes it).
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Timeouts of this client's calls.
		 */
		private final ClientTimeouts timeouts = new ClientTimeouts();

		/**
		 * Retry of this client's calls.
		 */
		private final ClientRetry retry = new ClientRetry();

		/**
		 * Limits on this client's event stream.
		 */
		private final ClientStream stream = new ClientStream();

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

		public ClientTimeouts getTimeouts() {
			return this.timeouts;
		}

		public ClientRetry getRetry() {
			return this.retry;
		}

		public ClientStream getStream() {
			return this.stream;
		}

		/** Masks the API key, header values and any credentials in the base URL. */
		@Override
		public String toString() {
			return "Client[baseUrl=" + maskUrl(this.baseUrl) + ", apiKey=" + mask(this.apiKey) + ", model=" + this.model
					+ ", headers=" + maskValues(this.headers) + ", timeouts=" + this.timeouts + ", retry="
					+ this.retry + ", stream=" + this.stream + "]";
		}

	}

	/**
	 * Timeouts of a named client; unset ones are inherited.
	 */
	public static class ClientTimeouts {

		/**
		 * Time allowed to open the connection. Inherited when unset.
		 */
		private @Nullable Duration connect;

		/**
		 * Time allowed until the first event. Inherited when unset.
		 */
		private @Nullable Duration firstChunk;

		/**
		 * Time allowed between two events. Inherited when unset.
		 */
		private @Nullable Duration idle;

		/**
		 * Time allowed for the whole stream; zero means no limit. Inherited when unset.
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
	 * Retry settings of a named client; unset ones are inherited.
	 */
	public static class ClientRetry {

		/**
		 * Attempts in all, the first included. Inherited when unset.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait before the second attempt. Inherited when unset.
		 */
		private @Nullable Duration initialBackoff;

		/**
		 * Longest computed wait between two attempts. Inherited when unset.
		 */
		private @Nullable Duration maxBackoff;

		/**
		 * Longest wait a server may ask for. Inherited when unset.
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
	 * Event stream limits of a named client; unset ones are inherited.
	 */
	public static class ClientStream {

		/**
		 * Largest server-sent event accepted. Inherited when unset.
		 */
		private @Nullable DataSize maxEventSize;

		/**
		 * Whether streaming requests without stream_options ask for a usage chunk. Inherited when unset.
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
