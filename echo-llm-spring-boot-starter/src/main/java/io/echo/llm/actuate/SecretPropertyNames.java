package io.echo.llm.actuate;

import java.util.Locale;

/**
 * Which {@code echo.llm.*} properties hold a secret: every {@code api-key} and every header value (headers often carry
 * keys), at the top level and in named clients, however the name is spelt ({@code echo.llm.api-key}, {@code apiKey},
 * {@code ECHO_LLM_API_KEY}).
 * <p>
 * Kept apart from {@link EchoLlmSanitizingFunction} because the start-up failure analysis masks by it too, in
 * applications without the actuator, where loading a {@code SanitizingFunction} would fail. Public for
 * {@code io.echo.llm.autoconfigure}; not API.
 */
public final class SecretPropertyNames {

	private SecretPropertyNames() {
	}

	/**
	 * Returns whether the property holds a secret.
	 * @param name the property name, in any of the forms Spring Boot binds
	 * @return whether its value must be masked
	 */
	public static boolean isSecret(String name) {
		String compact = name.toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]\"']", "");
		return compact.startsWith("echollm") && (compact.endsWith("apikey") || compact.contains("headers"));
	}

}
