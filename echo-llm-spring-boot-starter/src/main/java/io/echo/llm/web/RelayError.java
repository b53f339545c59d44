package io.echo.llm.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTruncatedStreamException;
import org.jspecify.annotations.Nullable;

/**
 * What a relay tells its client about a failure. The message is built here from the failure's type, status and code,
 * never copied from the exception: provider messages may echo parts of the prompt or a masked key.
 */
record RelayError(int status, @Nullable String code, String message) {

	static RelayError of(Throwable failure) {
		if (!(failure instanceof LlmException ex)) {
			return new RelayError(500, "internal_error", "The relay failed");
		}
		String code = (ex.code() != null) ? ex.code() : defaultCode(ex);
		return new RelayError(ex.status(), code, message(ex));
	}

	private static String defaultCode(LlmException ex) {
		if (ex instanceof LlmTimeoutException timeout) {
			return timeout.kind().name().toLowerCase(Locale.ROOT) + "_timeout";
		}
		if (ex instanceof LlmNetworkException) {
			return "network_error";
		}
		if (ex instanceof LlmTruncatedStreamException) {
			return "truncated_stream";
		}
		if (ex instanceof LlmInvalidResponseException) {
			return "invalid_response";
		}
		return "llm_error";
	}

	private static String message(LlmException ex) {
		if (ex instanceof LlmApiException) {
			return "The LLM provider answered HTTP " + ex.status();
		}
		if (ex instanceof LlmTimeoutException timeout) {
			// Built by the core from the kind and the configured duration only.
			return timeout.getMessage();
		}
		if (ex instanceof LlmStreamErrorException) {
			return "The LLM provider reported an error during the stream";
		}
		if (ex instanceof LlmNetworkException) {
			return "The LLM provider could not be reached";
		}
		if (ex instanceof LlmTruncatedStreamException) {
			return "The LLM stream ended before it was complete";
		}
		if (ex instanceof LlmInvalidResponseException) {
			return "The LLM provider sent a response that could not be read";
		}
		return "The LLM call failed";
	}

	Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("status", this.status);
		map.put("code", this.code);
		map.put("message", this.message);
		return map;
	}

}
