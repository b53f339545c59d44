package io.echo.llm.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.chat.Usage;
import org.jspecify.annotations.Nullable;

/** {@link RelayFormat#BROWSER}: named events with small JSON payloads. */
final class BrowserRelayEvents implements RelayEvents {

	private @Nullable String finishReason;

	@Override
	public List<RelayEvent> chunk(ChatCompletionChunk chunk) {
		List<RelayEvent> events = new ArrayList<>(2);
		text(events, "token", chunk.text());
		for (ChunkChoice choice : chunk.choices()) {
			if (choice.finishReason() != null) {
				this.finishReason = choice.finishReason();
			}
		}
		if (chunk.usage() != null) {
			events.add(usage(chunk.usage()));
		}
		return events;
	}

	@Override
	public RelayEvent done() {
		Map<String, @Nullable Object> done = new LinkedHashMap<>();
		done.put("finish_reason", this.finishReason);
		return event("done", done);
	}

	@Override
	public RelayEvent error(Throwable failure) {
		return event("error", RelayError.of(failure).toMap());
	}

	private static void text(List<RelayEvent> events, String name, @Nullable String text) {
		if (text != null && !text.isEmpty()) {
			events.add(event(name, Map.of("text", text)));
		}
	}

	private static RelayEvent usage(Usage usage) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("prompt_tokens", usage.promptTokens());
		body.put("completion_tokens", usage.completionTokens());
		body.put("total_tokens", usage.totalTokens());
		return event("usage", body);
	}

	private static RelayEvent event(String name, Map<String, ?> body) {
		return new RelayEvent(name, ChatJson.mapper().writeValueAsString(body));
	}

}
