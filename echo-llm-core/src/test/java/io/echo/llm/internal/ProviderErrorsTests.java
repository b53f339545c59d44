package io.echo.llm.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider error bodies in the shapes seen in the wild. */
class ProviderErrorsTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "none", value = {
			"{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}} | Rate limit | rate_limit_exceeded | 0",
			"{\"error\":{\"message\":\"Bad\",\"type\":\"invalid_request_error\"}} | Bad | invalid_request_error | 0",
			"{\"error\":{\"code\":400,\"message\":\"Token limit reached\"}} | Token limit reached | 400 | 400",
			"{\"error\":{\"message\":\"x\",\"code\":\"tool_use_failed\",\"status_code\":400}} | x | tool_use_failed | 400",
			"{\"error\":\"model not found\"} | model not found | none | 0",
			"{\"object\":\"error\",\"message\":\"vLLM says no\",\"code\":400} | vLLM says no | 400 | 400",
			"{\"detail\":\"Not authenticated\"} | Not authenticated | none | 0",
			"<html>Bad gateway</html> | <html>Bad gateway</html> | none | 0",
			"'' | none | none | 0" })
	void readsMessageCodeAndStatus(String body, String message, String code, int status) {
		ProviderErrors.ProviderError error = ProviderErrors.parse(body, Secrets.NONE);
		assertThat(error.message()).isEqualTo(message);
		assertThat(error.code()).isEqualTo(code);
		assertThat(error.status()).isEqualTo(status);
	}

}
