package io.echo.llm.sample;

import java.util.Locale;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.web.LlmRequestTooLargeException;
import io.echo.llm.web.LlmSseRelay;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Failures before a response starts, as OpenAI-style error bodies ({@code {"error": {"message", "type", "code"}}})
 * that OpenAI SDKs raise as API errors. An upstream HTTP error keeps its status (and its {@code Retry-After}), so a
 * client's own retry logic works through the relay.
 * <p>
 * The message is built here from the status and code: a provider's message may echo a masked API key or parts of
 * the prompt, so it goes to the log only, at DEBUG.
 */
@RestControllerAdvice(assignableTypes = { ChatController.class, OpenAiCompatibleController.class })
class OpenAiErrors {

	private static final Logger logger = LoggerFactory.getLogger(OpenAiErrors.class);

	@ExceptionHandler
	ResponseEntity<String> invalidRequest(InvalidChatRequestException ex) {
		return error(HttpStatus.BAD_REQUEST.value(), ex.getMessage(), "invalid_request_error", "invalid_request",
				new HttpHeaders());
	}

	@ExceptionHandler
	ResponseEntity<String> tooLarge(LlmRequestTooLargeException ex) {
		return error(HttpStatus.PAYLOAD_TOO_LARGE.value(), ex.getMessage(), "invalid_request_error",
				"request_too_large", new HttpHeaders());
	}

	// The relay's executor has no thread free for the stream.
	@ExceptionHandler
	ResponseEntity<String> busy(TaskRejectedException ex) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		return error(HttpStatus.SERVICE_UNAVAILABLE.value(), "Too many replies in progress; try again shortly",
				"api_error", "relay_busy", headers);
	}

	@ExceptionHandler
	ResponseEntity<String> llmFailure(LlmException ex, HttpServletResponse response) {
		// A relayed stream or a /v1 call carries an id, and logged its failure under it already: one line each.
		if (response.getHeader(LlmSseRelay.REQUEST_ID_HEADER) == null) {
			// The message may quote the provider, and the provider may quote the prompt or a key: only at DEBUG.
			logger.info("LLM call failed: {} (status {}, code {})", ex.getClass().getSimpleName(), ex.status(),
					ex.code());
			logger.debug("LLM call failure: {}", ex.getMessage());
		}
		HttpHeaders headers = new HttpHeaders();
		if (ex instanceof LlmApiException api && !isError(api.status())) {
			// A redirect (or any status outside 4xx/5xx) is no answer an OpenAI client can act on, and a 3xx without
			// the provider's Location would look like one to follow.
			return error(HttpStatus.BAD_GATEWAY.value(), "The LLM provider answered HTTP " + api.status()
					+ ", which the relay does not follow", "api_error", "upstream_status_" + api.status(), headers);
		}
		if (ex instanceof LlmApiException api) {
			api.retryAfter().ifPresent((wait) -> headers.set(HttpHeaders.RETRY_AFTER,
					String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000))));
			return error(api.status(), "The LLM provider answered HTTP " + api.status(), type(api.status()),
					(api.code() != null) ? api.code() : "upstream_" + api.status(), headers);
		}
		if (ex instanceof LlmTimeoutException timeout) {
			return error(HttpStatus.GATEWAY_TIMEOUT.value(), timeout.getMessage(), "timeout",
					timeout.kind().name().toLowerCase(Locale.ROOT) + "_timeout", headers);
		}
		if (ex instanceof LlmNetworkException) {
			return error(HttpStatus.BAD_GATEWAY.value(), "The LLM provider could not be reached",
					"api_connection_error", "network_error", headers);
		}
		return error(HttpStatus.BAD_GATEWAY.value(), "The LLM provider sent a response that could not be used",
				"api_error", "upstream_error", headers);
	}

	private static boolean isError(int status) {
		return status >= 400 && status <= 599;
	}

	// The types OpenAI's own API uses for these statuses.
	private static String type(int status) {
		return switch (status) {
			case 400, 404, 405, 409, 413, 415, 422 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 403 -> "permission_error";
			case 429 -> "rate_limit_error";
			default -> "api_error";
		};
	}

	static ResponseEntity<String> error(int status, String message, String type, @Nullable String code,
			HttpHeaders headers) {
		ObjectNode body = ChatJson.mapper().createObjectNode();
		body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_JSON)
			.body(ChatJson.mapper().writeValueAsString(body));
	}

}
