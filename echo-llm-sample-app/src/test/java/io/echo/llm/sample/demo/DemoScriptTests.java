package io.echo.llm.sample.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** What the demo provider answers, by prompt, before any HTTP. */
class DemoScriptTests {

	@ParameterizedTest(name = "{0} -> {1}, tool {2}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			Hello there                          | NONE             | -
			What's the weather in Lisbon?        | NONE             | get_weather
			what TIME is it                      | NONE             | get_current_time
			show me DEMO:429                     | RATE_LIMIT       | -
			fail with demo:error now             | MID_STREAM_ERROR | -
			demo:stall                           | STALL            | -
			""")
	void promptPicksFailureAndToolCall(String prompt, DemoScript.Failure failure, String tool) {
		DemoScript script = DemoScript.forPrompt(prompt);

		assertThat(script.failure()).isEqualTo(failure);
		assertThat((script.toolCall() != null) ? script.toolCall().name() : null).isEqualTo(tool);
	}

	@ParameterizedTest
	@ValueSource(strings = { "demo:error", "demo:stall" })
	void failingAnswersSendAFewTokensFirst(String prompt) {
		assertThat(DemoScript.forPrompt(prompt).content()).hasSize(DemoScript.TOKENS_BEFORE_FAILURE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Hello", "  spaced   out\n\nprompt  ", "ünïcödé ✓ 日本語" })
	void tokensJoinBackIntoTheText(String text) {
		assertThat(String.join("", DemoScript.tokens(text))).isEqualTo(text.stripTrailing());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			What's the weather in Lisbon?      | Lisbon
			weather in Rio de Janeiro please   | Rio
			what's the weather like            | Berlin
			""")
	void weatherArgumentsAreJsonWithTheCity(String prompt, String city) {
		String arguments = DemoScript.forPrompt(prompt).toolCall().arguments();

		assertThat(JsonMapper.builder().build().readTree(arguments).get("location").asString()).isEqualTo(city);
	}

}
