package io.echo.llm.autoconfigure;

import java.util.Locale;

import io.echo.llm.actuate.SecretPropertyNames;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidConfigurationPropertyValueException} for an {@code echo.llm} key whose value can hold a
 * secret (a base URL with user info or a key in its query, an API key, a header) the way Boot's own
 * {@code InvalidConfigurationPropertyValueFailureAnalyzer} does, but with the value masked: Boot's analyzer prints the
 * value it reads from the {@link Environment}, so it would print the secret in clear. Ordered before Boot's; every
 * other key is left to Boot's analyzer. Registered in {@code META-INF/spring.factories}.
 */
class MaskingPropertyValueFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException>
		implements Ordered {

	private static final String MASK = "******";

	private final @Nullable Environment environment;

	MaskingPropertyValueFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		// Boot's analyzers are unordered (lowest precedence); the first analysis wins.
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure,
			InvalidConfigurationPropertyValueException cause) {
		String key = cause.getName();
		String masked = mask(key, cause.getValue());
		if (masked == null) {
			return null;
		}
		String description = "Invalid value '" + masked + "' for configuration property '" + key + "'" + origin(key)
				+ ". Validation failed for the following reason:" + System.lineSeparator() + System.lineSeparator()
				+ cause.getReason();
		String action = "Update '" + key + "' in your application's configuration: it " + cause.getReason() + ".";
		return new FailureAnalysis(description, action, cause);
	}

	/** The value as it may be shown, or {@code null} for a key whose value holds no secret. */
	static @Nullable String mask(String key, @Nullable Object value) {
		String lower = key.toLowerCase(Locale.ROOT);
		if (!lower.startsWith(LlmClientSettingsMapper.PREFIX + ".")) {
			return null;
		}
		if (lower.endsWith("base-url")) {
			// The mapper masks already; masking again costs nothing and covers any other thrower.
			return (value != null) ? LlmClientSettingsMapper.safeUrl(value.toString()) : "null";
		}
		return SecretPropertyNames.isSecret(key) ? MASK : null;
	}

	private String origin(String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(key);
		if (this.environment == null || name == null) {
			return "";
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			Origin origin = (property != null) ? property.getOrigin() : null;
			if (origin != null) {
				return " (originating from '" + origin + "')";
			}
		}
		return "";
	}

}
