package io.echo.llm.sample;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.RelayFormat;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} in front of the configured provider, so that any OpenAI
 * SDK can use this application as its base URL: {@code "stream": true} gives OpenAI SSE chunks ending in
 * {@code data: [DONE]}, anything else one JSON response. Failures before the response starts come back as
 * {@link OpenAiErrors}.
 */
@RestController
class OpenAiCompatibleController {

	private final LlmStreamService service;

	private final LlmSseRelay relay;

	OpenAiCompatibleController(LlmStreamService service, LlmSseRelay relay) {
		this.service = service;
		this.relay = relay;
	}

	@PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
	Object chatCompletions(@RequestBody byte[] body) {
		ChatCompletionRequest request = ChatRequests.openAi(body);
		if (Boolean.TRUE.equals(request.stream())) {
			return stream(request);
		}
		ChatCompletionResponse response = this.service.complete(request);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(ChatJson.mapper().writeValueAsString(response));
	}

	// The upstream is opened before the response starts, so that its HTTP errors keep their status here (an SSE
	// response is committed with 200 as soon as the relay returns). This waits on the request thread for the
	// upstream's status only, under the client's connect and first-chunk timeouts; the tokens are relayed from the
	// relay's executor.
	private SseEmitter stream(ChatCompletionRequest request) {
		ChatCompletionStream stream = this.service.stream(request);
		SseEmitter emitter = this.relay.relay(new OpenedStream(stream), request, RelayFormat.OPENAI);
		// Closes the upstream even when the relay could not start its task.
		emitter.onCompletion(stream::close);
		return emitter;
	}

}
