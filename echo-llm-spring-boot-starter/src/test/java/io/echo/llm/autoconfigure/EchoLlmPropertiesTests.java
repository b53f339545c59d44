package io.echo.llm.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EchoLlmPropertiesTests {

	@Test
	void toStringMasksApiKeysAndHeaderValuesEverywhere() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setApiKey("sk-top-secret");
		properties.getHeaders().put("api-key", "header-secret");
		EchoLlmProperties.Client client = new EchoLlmProperties.Client();
		client.setApiKey("sk-client-secret");
		client.getHeaders().put("Authorization", "Bearer client-header-secret");
		properties.setClients(Map.of("azure", client));
		assertThat(properties.toString()).contains("apiKey=******", "api-key=******", "Authorization=******")
			.doesNotContain("sk-top-secret", "header-secret", "sk-client-secret", "client-header-secret");
	}

	@Test
	void toStringMasksCredentialsInBaseUrls() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setBaseUrl("https://user:url-secret@llm.example.com/v1");
		EchoLlmProperties.Client client = new EchoLlmProperties.Client();
		client.setBaseUrl("https://azure.example.com/openai?api-key=query-secret");
		properties.setClients(Map.of("azure", client));
		assertThat(properties.toString()).contains("https://******@llm.example.com/v1", "azure.example.com/openai?******")
			.doesNotContain("url-secret", "query-secret");
	}

	@Test
	void toStringSaysWhenNoKeyIsSet() {
		assertThat(new EchoLlmProperties().toString()).contains("apiKey=none");
	}

	@Test
	void mappedSettingsMaskTheirSecretsToo() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setApiKey("sk-top-secret");
		properties.getHeaders().put("api-key", "header-secret");
		assertThat(new LlmClientSettingsMapper(properties).map().toString())
			.doesNotContain("sk-top-secret", "header-secret");
	}

}
