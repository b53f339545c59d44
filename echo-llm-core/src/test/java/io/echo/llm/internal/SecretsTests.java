package io.echo.llm.internal;

import java.util.Map;

import io.echo.llm.LlmClientSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What the masking of provider text keeps and what it hides. */
class SecretsTests {

	private static final Secrets SECRETS = Secrets.of(LlmClientSettings.defaults()
		.withApiKey("sk-proj-Zx81QpLm4NvT7rW2")
		.withHeaders(Map.of("api-key", "azure-Hq3Vt9LmP2")));

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"Incorrect API key provided: sk-proj-Zx81QpLm4NvT7rW2. | Incorrect API key provided: ******.",
			"key sk-proj-Zx81****************7rW2 | key **********************7rW2",
			"ends with Lm4NvT7rW2 | ends with ******",
			"short piece sk-proj or 7rW2 stays | short piece sk-proj or 7rW2 stays",
			"two: sk-proj-Zx81QpLm4NvT7rW2 and azure-Hq3Vt9LmP2 | two: ****** and ******",
			"nothing secret here | nothing secret here" })
	void masksEveryPieceOfEightCharactersOrMore(String text, String masked) {
		assertThat(SECRETS.mask(text)).isEqualTo(masked);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"\\u0073\\u006b\\u002d\\u0070\\u0072\\u006f\\u006a\\u002dZx81QpLm4NvT7rW2 | ******",
			"{\"m\":\"sk-proj-Zx81QpLm4NvT7rW2\\\"\\/\"} | {\"m\":\"******\"/\"}",
			"bad escape \\uZZZZ and \\q stay | bad escape \\uZZZZ and \\q stay" })
	void masksRawDataAfterDecodingItsEscapes(String raw, String masked) {
		assertThat(SECRETS.maskRaw(raw)).isEqualTo(masked);
	}

}
