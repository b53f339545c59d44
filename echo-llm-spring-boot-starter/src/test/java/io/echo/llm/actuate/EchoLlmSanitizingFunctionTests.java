package io.echo.llm.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** What the actuator shows of a value that holds a configured key, with values shown. */
class EchoLlmSanitizingFunctionTests {

	private final StandardEnvironment environment = environment();

	private final EchoLlmSanitizingFunction function = new EchoLlmSanitizingFunction(this.environment);

	private final PropertySource<?> other = new MapPropertySource("other", Map.of());

	private static StandardEnvironment environment() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("echo.llm.api-key", "${PROVIDER_KEY}", "PROVIDER_KEY",
					"sk-proj-Zx81QpLm4NvT7rW2", "echo.llm.clients.second.api-key", "sk-second-Hq3Vt9LmP2",
					"echo.llm.headers.X-Api", "azure-Pw7Rt2Lq9Zk4")));
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"io.echo.Main --echo.llm.api-key=sk-proj-Zx81QpLm4NvT7rW2 --x=1 | io.echo.Main --echo.llm.api-key=****** --x=1",
			"app.jar --echo.llm.clients.second.api-key=sk-second-Hq3Vt9LmP2 | app.jar --echo.llm.clients.second.api-key=******",
			"{\"echo\":{\"llm\":{\"headers\":{\"X-Api\":\"azure-Pw7Rt2Lq9Zk4\"}}}} | {\"echo\":{\"llm\":{\"headers\":{\"X-Api\":\"******\"}}}}",
			"\\u0073\\u006b\\u002d\\u0070\\u0072\\u006f\\u006a\\u002dZx81QpLm4NvT7rW2 | ******",
			"no key here, \\u00e9 | no key here, \\u00e9" })
	void masksAConfiguredKeyInsideAnyValue(String value, String shown) {
		SanitizableData data = new SanitizableData(this.other, "sun.java.command", value);
		assertThat(this.function.apply(data).getValue()).isEqualTo(shown);
	}

	@Test
	void masksTheVariableAPlaceholderTakesTheKeyFrom() {
		SanitizableData data = new SanitizableData(this.other, "PROVIDER_KEY", "sk-proj-Zx81QpLm4NvT7rW2");
		assertThat(this.function.apply(data).getValue()).isEqualTo("******");
	}

	@Test
	void masksEchoLlmSecretsByTheirKey() {
		SanitizableData data = new SanitizableData(this.other, "ECHO_LLM_API_KEY", "short");
		assertThat(this.function.apply(data).getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	@Test
	void leavesOtherValuesAsTheyAre() {
		SanitizableData data = new SanitizableData(this.other, "echo.llm.model", "gpt-4o-mini");
		assertThat(this.function.apply(data).getValue()).isEqualTo("gpt-4o-mini");
	}

}
