package io.echo.llm;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.echo.llm.sse.SseParser;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of one {@link LlmStreamService}. A zero or negative timeout disables it.
 *
 * @param baseUrl base URL of the OpenAI-compatible API, for instance {@code https://api.openai.com/v1}
 * @param apiKey bearer token sent as {@code Authorization}, or {@code null} for servers that need none
 * @param model model applied to requests that name none, or {@code null}
 * @param headers extra request headers (Azure's {@code api-key}, {@code OpenAI-Organization}, ...)
 * @param connectTimeout time allowed to open the connection
 * @param firstChunkTimeout time allowed from sending the request until the first chunk (comments and pings do not
 * count)
 * @param idleTimeout time allowed between chunks once the first arrived (comments, pings and partial events do not
 * reset it)
 * @param overallTimeout time allowed for the whole stream
 * @param maxAttempts attempts in all, the first included (1 = no retry)
 * @param initialBackoff first wait between attempts, doubled each time
 * @param maxBackoff longest computed wait between attempts
 * @param maxRetryAfter longest wait a server may ask for; a longer request fails at once
 * @param maxEventBytes bound on one server-sent event, in bytes
 * @param includeUsage whether a streaming request that sets no {@code stream_options} asks the provider for a final
 * usage chunk ({@code "include_usage": true}), so that observations count tokens; turn it off for servers that reject
 * {@code stream_options}
 */
public record LlmClientSettings(String baseUrl, @Nullable String apiKey, @Nullable String model,
		Map<String, String> headers, Duration connectTimeout, Duration firstChunkTimeout, Duration idleTimeout,
		Duration overallTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
		Duration maxRetryAfter, int maxEventBytes, boolean includeUsage) {

	/** Default base URL: OpenAI's. */
	public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

	private static final String MASK = "******";

	public LlmClientSettings {
		Objects.requireNonNull(baseUrl, "baseUrl");
		headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(firstChunkTimeout, "firstChunkTimeout");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		Objects.requireNonNull(overallTimeout, "overallTimeout");
		Objects.requireNonNull(initialBackoff, "initialBackoff");
		Objects.requireNonNull(maxBackoff, "maxBackoff");
		Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
		}
		if (maxEventBytes < 1) {
			throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
		}
	}

	/**
	 * Settings that ask for usage, as before {@code includeUsage} existed.
	 */
	public LlmClientSettings(String baseUrl, @Nullable String apiKey, @Nullable String model,
			Map<String, String> headers, Duration connectTimeout, Duration firstChunkTimeout, Duration idleTimeout,
			Duration overallTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
			Duration maxRetryAfter, int maxEventBytes) {
		this(baseUrl, apiKey, model, headers, connectTimeout, firstChunkTimeout, idleTimeout, overallTimeout,
				maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, maxEventBytes, true);
	}

	/**
	 * Defaults: OpenAI's base URL, no key, connect 10 s, first chunk 30 s, idle 60 s, overall off, 3 attempts,
	 * back-off 500 ms doubling up to 8 s, a server may ask for at most 60 s, events up to 4 MiB, usage asked for.
	 */
	public static LlmClientSettings defaults() {
		return new LlmClientSettings(DEFAULT_BASE_URL, null, null, Map.of(), Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ZERO, 3, Duration.ofMillis(500),
				Duration.ofSeconds(8), Duration.ofSeconds(60), SseParser.DEFAULT_MAX_EVENT_BYTES);
	}

	public LlmClientSettings withBaseUrl(String baseUrl) {
		return new LlmClientSettings(baseUrl, this.apiKey, this.model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, this.maxEventBytes, this.includeUsage);
	}

	public LlmClientSettings withApiKey(@Nullable String apiKey) {
		return new LlmClientSettings(this.baseUrl, apiKey, this.model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, this.maxEventBytes, this.includeUsage);
	}

	public LlmClientSettings withModel(@Nullable String model) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, this.maxEventBytes, this.includeUsage);
	}

	public LlmClientSettings withHeaders(Map<String, String> headers) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, this.model, headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, this.maxEventBytes, this.includeUsage);
	}

	/** Returns a copy with the given timeouts (connect, first chunk, idle, overall). */
	public LlmClientSettings withTimeouts(Duration connect, Duration firstChunk, Duration idle, Duration overall) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, this.model, this.headers, connect, firstChunk, idle,
				overall, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.maxRetryAfter,
				this.maxEventBytes, this.includeUsage);
	}

	/** Returns a copy with the given retry settings. */
	public LlmClientSettings withRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
			Duration maxRetryAfter) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, this.model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, maxAttempts, initialBackoff, maxBackoff,
				maxRetryAfter, this.maxEventBytes, this.includeUsage);
	}

	public LlmClientSettings withMaxEventBytes(int maxEventBytes) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, this.model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, maxEventBytes, this.includeUsage);
	}

	/** Returns a copy that asks for usage on streaming requests that set no {@code stream_options}, or not. */
	public LlmClientSettings withIncludeUsage(boolean includeUsage) {
		return new LlmClientSettings(this.baseUrl, this.apiKey, this.model, this.headers, this.connectTimeout,
				this.firstChunkTimeout, this.idleTimeout, this.overallTimeout, this.maxAttempts, this.initialBackoff,
				this.maxBackoff, this.maxRetryAfter, this.maxEventBytes, includeUsage);
	}

	/** Masks the API key and the value of every extra header (they often hold keys too). */
	@Override
	public String toString() {
		Map<String, String> maskedHeaders = new LinkedHashMap<>();
		this.headers.keySet().forEach((name) -> maskedHeaders.put(name, MASK));
		return "LlmClientSettings[baseUrl=" + withoutCredentials(this.baseUrl) + ", apiKey="
				+ ((this.apiKey != null) ? MASK : "none") + ", model=" + this.model + ", headers=" + maskedHeaders + ", connectTimeout=" + this.connectTimeout
				+ ", firstChunkTimeout=" + this.firstChunkTimeout + ", idleTimeout=" + this.idleTimeout
				+ ", overallTimeout=" + this.overallTimeout + ", maxAttempts=" + this.maxAttempts
				+ ", initialBackoff=" + this.initialBackoff + ", maxBackoff=" + this.maxBackoff + ", maxRetryAfter="
				+ this.maxRetryAfter + ", maxEventBytes=" + this.maxEventBytes + ", includeUsage=" + this.includeUsage
				+ "]";
	}

	// User info and a query may hold credentials (a key in ?api-key=, user:key@host).
	private static String withoutCredentials(String url) {
		return url.replaceFirst("//[^/?#]*@", "//" + MASK + "@").replaceFirst("\\?.*$", "?" + MASK);
	}

}
