package io.echo.llm.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import io.echo.llm.internal.Secrets;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Masks echo-llm's secrets in the actuator's {@code /configprops} and {@code /env}, also when they are set to show
 * values: every {@code api-key} and every header value (headers often carry keys), at the top level and in named
 * clients, however the key is spelt ({@code echo.llm.api-key}, {@code apiKey}, {@code ECHO_LLM_API_KEY}). And the
 * configured secrets wherever else they show, inside any value: a key given on the command line
 * ({@code --echo.llm.api-key=...}) is also in {@code sun.java.command}, one given as {@code ${OPENAI_API_KEY}} is
 * also that variable's value, one in {@code SPRING_APPLICATION_JSON} is part of a JSON text.
 * <p>
 * Public for the auto-configuration in {@code io.echo.llm.autoconfigure}; not API, it may change in any release.
 */
public final class EchoLlmSanitizingFunction implements SanitizingFunction {

	private final @Nullable ConfigurableEnvironment environment;

	/** Masks by key, and the secrets the environment configures inside every other value. */
	public EchoLlmSanitizingFunction(@Nullable ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (SecretPropertyNames.isSecret(data.getKey())) {
			return data.withSanitizedValue();
		}
		if (this.environment != null && data.getValue() instanceof CharSequence value) {
			String text = value.toString();
			// Read again each time: the endpoints are rare, and a refreshed environment may hold another key.
			String masked = Secrets.of(configuredSecrets(this.environment)).maskRaw(text);
			if (!masked.equals(text)) {
				return data.withValue(masked);
			}
		}
		return data;
	}

	/** The resolved values of every echo-llm property that holds a secret, in any property source. */
	static Set<String> configuredSecrets(ConfigurableEnvironment environment) {
		Set<String> secrets = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> SecretPropertyNames.isSecret(name.toString()))
					.forEach((name) -> addResolved(environment, name, secrets));
			}
		}
		return secrets;
	}

	private static void addResolved(ConfigurableEnvironment environment, ConfigurationPropertyName name,
			Set<String> secrets) {
		try {
			String value = environment.getProperty(name.toString());
			if (value != null) {
				secrets.add(value);
			}
		}
		catch (RuntimeException ex) {
			// A placeholder that does not resolve: the raw value is masked by its key, and nothing else shows it.
		}
	}

}
