package io.echo.llm.sample;

import java.io.IOException;
import java.util.Set;

import io.echo.llm.LlmException;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.web.LlmRequestReader;
import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.RelayFormat;
import io.echo.llm.web.RelayLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} in front of the configured provider, so that any OpenAI
 * SDK can use this application as its base URL: {@code "stream": true} gives OpenAI SSE chunks ending in
 * {@code data: [DONE]}, anything else one JSON response.
 * <p>
 * Every error under {@code /v1} is OpenAI's {@code {"error": {"message", "type", "param", "code"}}} (see
 * {@link OpenAiErrors}): this controller takes any method, content type and path under {@code /v1} and refuses what
 * it does not serve itself, so that none of Spring's own error pages (415, 405, 404, 400) reaches an OpenAI client.
 */
@RestController
class OpenAiCompatibleController {

	private static final Logger logger = LoggerFactory.getLogger(OpenAiCompatibleController.class);

	static final String COMPLETIONS = "/v1/chat/completions";

	private final LlmStreamService service;

	private final LlmSseRelay relay;

	private final LlmRequestReader reader;

	OpenAiCompatibleController(LlmStreamService service, LlmSseRelay relay, LlmRequestReader reader) {
		this.service = service;
		this.relay = relay;
		this.reader = reader;
	}

	@RequestMapping(COMPLETIONS)
	Object chatCompletions(HttpServletRequest http, HttpServletResponse httpResponse) throws IOException {
		if (!HttpMethod.POST.matches(http.getMethod())) {
			HttpHeaders allow = new HttpHeaders();
			allow.setAllow(Set.of(HttpMethod.POST));
			return OpenAiErrors.error(HttpStatus.METHOD_NOT_ALLOWED.value(), "Method " + http.getMethod()
					+ " is not allowed on " + COMPLETIONS + "; use POST", "invalid_request_error",
					"method_not_allowed", allow);
		}
		if (!isJson(http.getContentType())) {
			return OpenAiErrors.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value(),
					"The body must be JSON with 'Content-Type: application/json'", "invalid_request_error",
					"unsupported_media_type", new HttpHeaders());
		}
		ChatCompletionRequest request = ChatRequests.openAi(this.reader.read(http));
		if (Boolean.TRUE.equals(request.stream())) {
			// The provider's status comes back as this response's status when it answers within a moment; the
			// tokens are relayed from the relay's executor, never on this thread.
			return this.relay.relayWithStatus(this.service, request, RelayFormat.OPENAI);
		}
		// One id per call, as OpenAI's x-request-id: the client sees it, and the log line of a failure names it.
		String id = "req_" + RelayLog.newId();
		httpResponse.setHeader(LlmSseRelay.REQUEST_ID_HEADER, id);
		long start = System.nanoTime();
		ChatCompletionResponse response;
		try {
			response = this.service.complete(request);
		}
		catch (LlmException ex) {
			// The message may quote the provider, and the provider may quote the prompt or a key: only at DEBUG.
			logger.info("LLM call {} failed ({} status {} code {}): client {}, after {} ms", id,
					ex.getClass().getSimpleName(), ex.status(), ex.code(), http.getRemoteAddr(),
					(System.nanoTime() - start) / 1_000_000);
			logger.debug("LLM call {} failure: {}", id, ex.getMessage());
			throw ex;
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(ChatJson.mapper().writeValueAsString(response));
	}

	// What OpenAI's API answers for a path it does not know.
	@RequestMapping({ "/v1", "/v1/**" })
	ResponseEntity<String> unknown(HttpServletRequest http) {
		return OpenAiErrors.error(HttpStatus.NOT_FOUND.value(),
				"Invalid URL (" + http.getMethod() + " " + http.getRequestURI() + ")", "invalid_request_error",
				"unknown_url", new HttpHeaders());
	}

	private static boolean isJson(String contentType) {
		if (!StringUtils.hasText(contentType)) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) || "json".equals(type.getSubtypeSuffix());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
