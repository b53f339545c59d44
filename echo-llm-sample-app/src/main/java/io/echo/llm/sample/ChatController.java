package io.echo.llm.sample;

import java.io.IOException;

import io.echo.llm.web.LlmRequestReader;
import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.RelayFormat;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The chat page's stream: {@code POST /api/chat} with {@code {"messages": [...], "model": optional}} answers with
 * the browser-friendly events of {@link RelayFormat#BROWSER} ({@code token}, {@code reasoning}, {@code tool_call},
 * {@code usage}, {@code error}, {@code done}). The relay is resumable ({@code echo.llm.relay.resumable=true}): the page
 * resumes a dropped reply and stops one at {@code /api/chat/streams/{id}}, which the starter serves. The body is read
 * up to {@code echo.llm.relay.max-request-size}.
 */
@RestController
class ChatController {

	private final LlmSseRelay relay;

	private final LlmRequestReader reader;

	ChatController(LlmSseRelay relay, LlmRequestReader reader) {
		this.relay = relay;
		this.reader = reader;
	}

	@PostMapping(path = "/api/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
	SseEmitter chat(HttpServletRequest http) throws IOException {
		return this.relay.relay(ChatRequests.page(this.reader.read(http)), RelayFormat.BROWSER);
	}

}
