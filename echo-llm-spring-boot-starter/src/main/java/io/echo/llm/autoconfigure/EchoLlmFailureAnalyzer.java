package io.echo.llm.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidEchoLlmPropertyException}: the key, its (safe) value, where it was set and what it must
 * be. Registered in {@code META-INF/spring.factories}.
 */
class EchoLlmFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEchoLlmPropertyException> {

	private final @Nullable Environment environment;

	EchoLlmFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEchoLlmPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for configuration property '" + cause.getKey()
				+ "'" + origin(cause.getKey()) + ": " + cause.getReason() + ".";
		String action = "Update '" + cause.getKey() + "' in your application's configuration: it " + cause.getReason()
				+ ".";
		return new FailureAnalysis(description, action, cause);
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
				return " (from " + origin + ")";
			}
		}
		return "";
	}

}
