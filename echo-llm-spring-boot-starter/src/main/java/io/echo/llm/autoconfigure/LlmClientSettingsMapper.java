package io.echo.llm.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.echo.llm.LlmClientSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Maps {@link EchoLlmProperties} to the core's {@link LlmClientSettings} with Boot's {@link PropertyMapper}, as Boot's
 * own auto-configurations map theirs: the top-level keys over the core's defaults, then a named client's own keys over
 * those. It checks every value on the way: a bad one throws Boot's {@link InvalidConfigurationPropertyValueException}
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

	/** Settings of the primary client: the top-level keys over the core's defaults. */
	LlmClientSettings map() {
		LlmClientSettings settings = topLevel().applyTo(LlmClientSettings.defaults());
		String retry = PREFIX + ".retry.";
		checkBackoff(settings, retry + "initial-backoff", retry + "max-backoff");
		return settings;
	}

	/**
	 * Settings of the client configured under {@code echo.llm.clients.<name>}: its own keys over the top-level ones,
	 * which it inherits where it sets none.
	 */
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
		Layer own = new Layer(prefix, client, false);
		LlmClientSettings settings = own.applyTo(topLevel().applyTo(LlmClientSettings.defaults()));
		checkBackoff(settings, own.keyOfSetter("retry.initial-backoff", client.getRetry().getInitialBackoff()),
				own.keyOfSetter("retry.max-backoff", client.getRetry().getMaxBackoff()));
		return settings;
	}

	private Layer topLevel() {
		return new Layer(PREFIX, this.properties, true);
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

	/**
	 * The keys of one level, the top level or a named client, mapped over the settings of the level below. Unset keys
	 * are skipped, as {@link PropertyMapper} does, so a named client inherits them; the top level has a default for
	 * every key but the key, model and headers, so there an unset one was set to empty and is an error.
	 */
	private record Layer(String prefix, LlmClientProperties properties, boolean required) {

		LlmClientSettings applyTo(LlmClientSettings below) {
			PropertyMapper map = PropertyMapper.get();
			LlmClientProperties.Timeouts timeouts = this.properties.getTimeouts();
			LlmClientProperties.Retry retry = this.properties.getRetry();
			LlmClientProperties.Stream stream = this.properties.getStream();
			LlmClientSettings settings = below;
			settings = map.from(value("base-url", this.properties::getBaseUrl))
				.as((url) -> baseUrl(key("base-url"), url))
				.to(settings, LlmClientSettings::withBaseUrl);
			// Set to empty, the key and the model are sent as none, also where a named client would inherit one.
			settings = map.from(this.properties::getApiKey)
				.to(settings, (s, apiKey) -> s.withApiKey(StringUtils.hasLength(apiKey) ? apiKey : null));
			settings = map.from(this.properties::getModel)
				.to(settings, (s, model) -> s.withModel(StringUtils.hasLength(model) ? model : null));
			settings = map.from(this.properties::getHeaders)
				.to(settings, (s, headers) -> s.withHeaders(merge(s.headers(), headers)));
			settings = map.from(value("timeouts.connect", timeouts::getConnect))
				.as((connect) -> timeout(key("timeouts.connect"), connect))
				.to(settings, (s, connect) -> s.withTimeouts(connect, s.firstChunkTimeout(), s.idleTimeout(),
						s.overallTimeout()));
			settings = map.from(value("timeouts.first-chunk", timeouts::getFirstChunk))
				.as((firstChunk) -> timeout(key("timeouts.first-chunk"), firstChunk))
				.to(settings, (s, firstChunk) -> s.withTimeouts(s.connectTimeout(), firstChunk, s.idleTimeout(),
						s.overallTimeout()));
			settings = map.from(value("timeouts.idle", timeouts::getIdle))
				.as((idle) -> timeout(key("timeouts.idle"), idle))
				.to(settings, (s, idle) -> s.withTimeouts(s.connectTimeout(), s.firstChunkTimeout(), idle,
						s.overallTimeout()));
			settings = map.from(value("timeouts.overall", timeouts::getOverall))
				.as((overall) -> timeout(key("timeouts.overall"), overall))
				.to(settings, (s, overall) -> s.withTimeouts(s.connectTimeout(), s.firstChunkTimeout(),
						s.idleTimeout(), overall));
			settings = map.from(value("retry.max-attempts", retry::getMaxAttempts))
				.as((attempts) -> maxAttempts(key("retry.max-attempts"), attempts))
				.to(settings, (s, attempts) -> s.withRetry(attempts, s.initialBackoff(), s.maxBackoff(),
						s.maxRetryAfter()));
			settings = map.from(value("retry.initial-backoff", retry::getInitialBackoff))
				.as((initial) -> nonNegative(key("retry.initial-backoff"), initial, "must not be negative"))
				.to(settings, (s, initial) -> s.withRetry(s.maxAttempts(), initial, s.maxBackoff(),
						s.maxRetryAfter()));
			settings = map.from(value("retry.max-backoff", retry::getMaxBackoff))
				.as((max) -> nonNegative(key("retry.max-backoff"), max, "must not be negative"))
				.to(settings, (s, max) -> s.withRetry(s.maxAttempts(), s.initialBackoff(), max, s.maxRetryAfter()));
			settings = map.from(value("retry.max-retry-after", retry::getMaxRetryAfter))
				.as((after) -> nonNegative(key("retry.max-retry-after"), after, "must not be negative"))
				.to(settings, (s, after) -> s.withRetry(s.maxAttempts(), s.initialBackoff(), s.maxBackoff(), after));
			settings = map.from(value("stream.max-event-size", stream::getMaxEventSize))
				.as((size) -> eventSize(key("stream.max-event-size"), size))
				.to(settings, LlmClientSettings::withMaxEventBytes);
			return map.from(value("stream.include-usage", stream::getIncludeUsage))
				.to(settings, LlmClientSettings::withIncludeUsage);
		}

		/** The full key of a path of this level. */
		String key(String path) {
			return this.prefix + "." + path;
		}

		/** The key a value came from: this level's when it set one, else the top level's it inherited. */
		String keyOfSetter(String path, @Nullable Object own) {
			return (own != null) ? key(path) : PREFIX + "." + path;
		}

		private <T> Supplier<@Nullable T> value(String path, Supplier<@Nullable T> getter) {
			return () -> {
				T value = getter.get();
				if (value == null && this.required) {
					throw new InvalidConfigurationPropertyValueException(key(path), "", "must not be empty");
				}
				return value;
			};
		}

		// Headers merge by name; an empty value removes an inherited header.
		private static Map<String, String> merge(Map<String, String> inherited, Map<String, String> own) {
			Map<String, String> headers = new LinkedHashMap<>(inherited);
			headers.putAll(own);
			headers.values().removeIf((value) -> !StringUtils.hasLength(value));
			return headers;
		}

	}

	private static String baseUrl(String key, String value) {
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
		throw new InvalidConfigurationPropertyValueException(key, safeUrl(value),
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

	private static Duration timeout(String key, Duration timeout) {
		return nonNegative(key, timeout, "must not be negative; 0 disables this timeout");
	}

	private static Duration nonNegative(String key, Duration duration, String reason) {
		if (duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(key, print(duration), reason);
		}
		return duration;
	}

	private static int maxAttempts(String key, int maxAttempts) {
		if (maxAttempts < 1) {
			throw new InvalidConfigurationPropertyValueException(key, String.valueOf(maxAttempts),
					"must be at least 1 (1 disables retry)");
		}
		return maxAttempts;
	}

	private static void checkBackoff(LlmClientSettings settings, String initialKey, String maxKey) {
		Duration initial = settings.initialBackoff();
		Duration max = settings.maxBackoff();
		if (max.compareTo(initial) >= 0) {
			return;
		}
		// Blame the key the user set: a named client's own value over an inherited top-level one.
		if (isNamedClientKey(initialKey) && !isNamedClientKey(maxKey)) {
			throw new InvalidConfigurationPropertyValueException(initialKey, print(initial),
					"must not be above " + maxKey + " (" + print(max) + ")");
		}
		throw new InvalidConfigurationPropertyValueException(maxKey, print(max),
				"must not be below " + initialKey + " (" + print(initial) + ")");
	}

	private static boolean isNamedClientKey(String key) {
		return key.startsWith(PREFIX + ".clients.");
	}

	private static int eventSize(String key, DataSize size) {
		long bytes = size.toBytes();
		if (bytes < 1 || bytes > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(key, size.toString(),
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
