package io.echo.llm.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks echo-llm's secrets in the actuator's {@code /configprops} and {@code /env}, also when they are set to show
 * values: every {@code api-key} and every header value (headers often carry keys), at the top level and in named
 * clients, however the key is spelt ({@code echo.llm.api-key}, {@code apiKey}, {@code ECHO_LLM_API_KEY}).
 */
final class EchoLlmSanitizingFunction implements SanitizingFunction {

	@Override
	public SanitizableData apply(SanitizableData data) {
		return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
	}

	static boolean isSecret(String key) {
		String compact = key.toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]\"']", "");
		return compact.startsWith("echollm") && (compact.endsWith("apikey") || compact.contains("headers"));
	}

}
