package io.echo.llm.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.echo.llm.LlmClientSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Maps {@link EchoLlmProperties} to the core's {@link LlmClientSettings}, a named client's keys over the top-level
 * ones, and checks every value on the way: a bad one throws Boot's {@link InvalidConfigurationPropertyValueException}
 * naming the key the value came from, so the start-up report names key, value and fix (a base URL masked, see
 * {@link MaskingPropertyValueFailureAnalyzer}).
 */
final class LlmClientSettingsMapper {

	static final String PREFIX = "echo.llm";

	/** Name of the client configured by the top-level keys. */
	static final String DEFAULT_CLIENT = "default";

	private static final Logger logger = LoggerFactory.getLogger(LlmClientSettingsMapper.class);

	private final EchoLlmProperties properties;

	LlmClientSettingsMapper(EchoLlmProperties properties) {
		this.properties = Objects.requireNonNull(properties, "properties");
	}

	/** Settings of the primary client, from the top-level keys. */
	LlmClientSettings map() {
		return new Layer(PREFIX, null).settings();
	}

	/** Settings of the client configured under {@code echo.llm.clients.<name>}. */
	LlmClientSettings map(String name) {
		String prefix = PREFIX + ".clients." + name;
		if (DEFAULT_CLIENT.equals(name)) {
			throw new InvalidConfigurationPropertyValueException(prefix, name, "the name '" + DEFAULT_CLIENT
					+ "' is reserved for the client configured by the top-level echo.llm keys; choose another name");
		}
		LlmClientProperties client = this.properties.getClients().get(name);
		if (client == null) {
			throw new IllegalArgumentException("No client '" + name + "' under " + PREFIX + ".clients");
		}
		warnIfKeyGoesElsewhere(name, client);
		return new Layer(prefix, client).settings();
	}

	// Inheriting the API key is what the user asked for, but sending it to another host is rarely meant.
	private void warnIfKeyGoesElsewhere(String name, LlmClientProperties client) {
		if (client.getApiKey() != null || !StringUtils.hasLength(this.properties.getApiKey())
				|| client.getBaseUrl() == null) {
			return;
		}
		String host = host(client.getBaseUrl());
		String topBaseUrl = this.properties.getBaseUrl();
		String topHost = (topBaseUrl != null) ? host(topBaseUrl) : null;
		if (host != null && !host.equalsIgnoreCase(topHost)) {
			logger.warn("{}.clients.{} inherits {}.api-key and sends it to {} (the top-level base-url is on {}); "
					+ "set {}.clients.{}.api-key to an empty value if that server needs no key", PREFIX, name, PREFIX,
					host, topHost, PREFIX, name);
		}
	}

	private static @Nullable String host(String url) {
		try {
			return new URI(url).getHost();
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** A value and the full key it came from. */
	private record Value<T extends @Nullable Object>(String key, T value) {
	}

	/** One client's view: its own keys where set, the top-level ones elsewhere. */
	private final class Layer {

		private final String prefix;

		private final @Nullable LlmClientProperties client;

		Layer(String prefix, @Nullable LlmClientProperties client) {
			this.prefix = prefix;
			this.client = client;
		}

		/** The client's value of a key when it set one, else the top level's, which may be unset. */
		<T> Value<@Nullable T> pickOptional(String path, Function<LlmClientProperties, @Nullable T> key) {
			T own = (this.client != null) ? key.apply(this.client) : null;
			return (own != null) ? new Value<>(this.prefix + "." + path, own)
					: new Value<>(PREFIX + "." + path, key.apply(LlmClientSettingsMapper.this.properties));
		}

		/** As {@link #pickOptional}, for a key the top level has a default for: set to empty, it is an error. */
		<T> Value<T> pick(String path, Function<LlmClientProperties, @Nullable T> key) {
			Value<@Nullable T> value = pickOptional(path, key);
			T picked = value.value();
			if (picked == null) {
				throw new InvalidConfigurationPropertyValueException(value.key(), "", "must not be empty");
			}
			return new Value<>(value.key(), picked);
		}

		LlmClientSettings settings() {
			String baseUrl = baseUrl(pick("base-url", LlmClientProperties::getBaseUrl));
			String apiKey = pickOptional("api-key", LlmClientProperties::getApiKey).value();
			String model = pickOptional("model", LlmClientProperties::getModel).value();
			Duration connect = timeout(pick("timeouts.connect", (c) -> c.getTimeouts().getConnect()));
			Duration firstChunk = timeout(pick("timeouts.first-chunk", (c) -> c.getTimeouts().getFirstChunk()));
			Duration idle = timeout(pick("timeouts.idle", (c) -> c.getTimeouts().getIdle()));
			Duration overall = timeout(pick("timeouts.overall", (c) -> c.getTimeouts().getOverall()));
			int maxAttempts = maxAttempts(pick("retry.max-attempts", (c) -> c.getRetry().getMaxAttempts()));
			Value<Duration> initialBackoff = pick("retry.initial-backoff", (c) -> c.getRetry().getInitialBackoff());
			Value<Duration> maxBackoff = pick("retry.max-backoff", (c) -> c.getRetry().getMaxBackoff());
			checkBackoff(initialBackoff, maxBackoff);
			Duration maxRetryAfter = nonNegative(pick("retry.max-retry-after", (c) -> c.getRetry().getMaxRetryAfter()),
					"must not be negative");
			int maxEventBytes = eventSize(pick("stream.max-event-size", (c) -> c.getStream().getMaxEventSize()));
			boolean includeUsage = pick("stream.include-usage", (c) -> c.getStream().getIncludeUsage()).value();
			return LlmClientSettings.defaults()
				.withBaseUrl(baseUrl)
				.withApiKey(StringUtils.hasLength(apiKey) ? apiKey : null)
				.withModel(StringUtils.hasLength(model) ? model : null)
				.withHeaders(headers(LlmClientSettingsMapper.this.properties.getHeaders()))
				.withTimeouts(connect, firstChunk, idle, overall)
				.withRetry(maxAttempts, initialBackoff.value(), maxBackoff.value(), maxRetryAfter)
				.withMaxEventBytes(maxEventBytes)
				.withIncludeUsage(includeUsage);
		}

		// Headers merge by name; an empty value removes an inherited header.
		private Map<String, String> headers(Map<String, String> inherited) {
			Map<String, String> headers = new LinkedHashMap<>(inherited);
			if (this.client != null) {
				headers.putAll(this.client.getHeaders());
			}
			headers.values().removeIf((value) -> !StringUtils.hasLength(value));
			return headers;
		}

	}

	private static String baseUrl(Value<String> url) {
		String value = url.value();
		try {
			URI uri = new URI(value);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
				return value;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new InvalidConfigurationPropertyValueException(url.key(), safeUrl(value),
				"must be an http or https URL, for instance https://api.openai.com/v1");
	}

	/** URL without user info or query, which may carry credentials. */
	static String safeUrl(String url) {
		String safe = url;
		int query = safe.indexOf('?');
		if (query >= 0) {
			safe = safe.substring(0, query) + "?******";
		}
		int schemeEnd = safe.indexOf("://");
		int authorityStart = (schemeEnd >= 0) ? schemeEnd + 3 : 0;
		int slash = safe.indexOf('/', authorityStart);
		int authorityEnd = (slash >= 0) ? slash : safe.length();
		int at = safe.lastIndexOf('@', authorityEnd - 1);
		if (at >= authorityStart) {
			safe = safe.substring(0, authorityStart) + "******" + safe.substring(at);
		}
		return safe;
	}

	private static Duration timeout(Value<Duration> timeout) {
		return nonNegative(timeout, "must not be negative; 0 disables this timeout");
	}

	private static Duration nonNegative(Value<Duration> duration, String reason) {
		if (duration.value().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(duration.key(), print(duration.value()), reason);
		}
		return duration.value();
	}

	private static int maxAttempts(Value<Integer> maxAttempts) {
		if (maxAttempts.value() < 1) {
			throw new InvalidConfigurationPropertyValueException(maxAttempts.key(), String.valueOf(maxAttempts.value()),
					"must be at least 1 (1 disables retry)");
		}
		return maxAttempts.value();
	}

	private static void checkBackoff(Value<Duration> initial, Value<Duration> max) {
		nonNegative(initial, "must not be negative");
		nonNegative(max, "must not be negative");
		if (max.value().compareTo(initial.value()) >= 0) {
			return;
		}
		// Blame the key the user set: a named client's own value over an inherited top-level one.
		if (isNamedClientKey(initial.key()) && !isNamedClientKey(max.key())) {
			throw new InvalidConfigurationPropertyValueException(initial.key(), print(initial.value()),
					"must not be above " + max.key() + " (" + print(max.value()) + ")");
		}
		throw new InvalidConfigurationPropertyValueException(max.key(), print(max.value()),
				"must not be below " + initial.key() + " (" + print(initial.value()) + ")");
	}

	private static boolean isNamedClientKey(String key) {
		return key.startsWith(PREFIX + ".clients.");
	}

	private static int eventSize(Value<DataSize> size) {
		long bytes = size.value().toBytes();
		if (bytes < 1 || bytes > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(size.key(), size.value().toString(),
					"must be at least 1B and below 2GB");
		}
		return (int) bytes;
	}

	// In the unit the user most likely wrote: 8s rather than 8000ms.
	private static String print(Duration duration) {
		DurationStyle style = DurationStyle.SIMPLE;
		if (duration.toMillis() % 1000 == 0 && duration.toNanos() % 1_000_000 == 0) {
			return style.print(duration, ChronoUnit.SECONDS);
		}
		return style.print(duration);
	}

}
