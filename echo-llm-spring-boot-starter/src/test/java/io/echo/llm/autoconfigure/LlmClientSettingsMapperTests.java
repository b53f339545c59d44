package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.echo.llm.LlmClientSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The mapping itself, on properties built in code: what a named client inherits, what it overrides and removes, and
 * the key an error names. The binder never sets a key to null, so a top-level default cleared in code is the only
 * way to an empty one.
 */
class LlmClientSettingsMapperTests {

	private final EchoLlmProperties properties = new EchoLlmProperties();

	@Test
	void topLevelKeysOverTheCoreDefaults() {
		this.properties.setModel("gpt-4o-mini");
		this.properties.getTimeouts().setIdle(Duration.ofSeconds(5));
		LlmClientSettings settings = new LlmClientSettingsMapper(this.properties).map();
		assertThat(settings).isEqualTo(LlmClientSettings.defaults()
			.withModel("gpt-4o-mini")
			.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO));
	}

	@Test
	void namedClientInheritsWhatItLeavesUnsetAndOverridesWhatItSets() {
		this.properties.setApiKey("sk-top");
		this.properties.setModel("top-model");
		this.properties.getHeaders().putAll(Map.of("X-Team", "blue", "X-Trace", "on"));
		this.properties.getRetry().setMaxAttempts(5);
		EchoLlmProperties.Client client = new EchoLlmProperties.Client();
		client.setModel("");
		client.getHeaders().putAll(Map.of("X-Trace", "", "X-Local", "yes"));
		client.getTimeouts().setConnect(Duration.ofSeconds(2));
		this.properties.setClients(Map.of("local", client));
		LlmClientSettings settings = new LlmClientSettingsMapper(this.properties).map("local");
		assertThat(settings.apiKey()).isEqualTo("sk-top");
		assertThat(settings.model()).as("set to empty: none, not the inherited one").isNull();
		assertThat(settings.headers()).containsOnly(Map.entry("X-Team", "blue"), Map.entry("X-Local", "yes"));
		assertThat(settings.maxAttempts()).isEqualTo(5);
		assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void topLevelDefaultClearedInCodeIsAnErrorNamingItsKey() {
		this.properties.getTimeouts().setIdle(null);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new LlmClientSettingsMapper(this.properties).map())
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("echo.llm.timeouts.idle"))
			.withMessageContaining("must not be empty");
	}

	@Test
	void backoffErrorBlamesTheNamedClientsOwnKey() {
		EchoLlmProperties.Client client = new EchoLlmProperties.Client();
		client.getRetry().setMaxBackoff(Duration.ofMillis(100));
		this.properties.setClients(Map.of("local", client));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new LlmClientSettingsMapper(this.properties).map("local"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("echo.llm.clients.local.retry.max-backoff"))
			.withMessageContaining("must not be below echo.llm.retry.initial-backoff (500ms)");
	}

}
