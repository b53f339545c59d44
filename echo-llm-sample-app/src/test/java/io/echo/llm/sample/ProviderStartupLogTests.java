package io.echo.llm.sample;

import java.util.Map;

import io.echo.llm.autoconfigure.EchoLlmProperties;
import io.echo.llm.sample.demo.DemoProviderEnvironmentPostProcessor;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** What the start-up log says about the provider. */
class ProviderStartupLogTests {

	@Test
	void demoProviderIsNamedWithItsUrl() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setBaseUrl("http://127.0.0.1:0/chat/demo/v1");

		assertThat(new ProviderStartupLog(properties, demoEnvironment()).describeProvider("41234"))
			.startsWith("LLM provider: the embedded demo provider at http://127.0.0.1:41234/chat/demo/v1 ");
	}

	@Test
	void demoProviderWithAKeyButNoBaseUrlSaysWhatIsMissing() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setBaseUrl("http://127.0.0.1:8080/demo/v1");
		properties.setApiKey("sk-never-logged");

		assertThat(new ProviderStartupLog(properties, demoEnvironment()).describeProvider("8080"))
			.contains("the embedded demo provider", "An API key is set but no base URL: set ECHO_LLM_BASE_URL too")
			.doesNotContain("sk-never-logged");
	}

	@Test
	void realProviderIsNamedWithoutKeyOrCredentials() {
		EchoLlmProperties properties = new EchoLlmProperties();
		properties.setBaseUrl("https://user:pa55@api.example.com/v1?key=q-secret");
		properties.setApiKey("sk-never-logged");
		properties.setModel("gpt-4o-mini");

		String description = new ProviderStartupLog(properties, new StandardEnvironment()).describeProvider("8080");

		assertThat(description)
			.isEqualTo("LLM provider: https://api.example.com/v1, model gpt-4o-mini, API key set")
			.doesNotContain("sk-never-logged", "pa55", "q-secret");
	}

	// The environment as DemoProviderEnvironmentPostProcessor leaves it when nothing sets a base URL.
	private static StandardEnvironment demoEnvironment() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addLast(new MapPropertySource(DemoProviderEnvironmentPostProcessor.PROPERTY_SOURCE, Map.of()));
		return environment;
	}

}
