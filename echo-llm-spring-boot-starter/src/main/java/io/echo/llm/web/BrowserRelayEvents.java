package io.echo.llm.web;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.chat.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link RelayFormat#BROWSER}: named events with small JSON payloads. Meant for one choice ({@code n} = 1): the
 * events of several choices would interleave.
 */
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
		return new RelayEvent("done", JsonNodeFactory.instance.objectNode().put("finish_reason", this.finishReason).toString());
	}

	@Override
	public RelayEvent error(Throwable failure) {
		return new RelayEvent("error", RelayError.of(failure).toJson().toString());
	}

	private static void text(List<RelayEvent> events, String name, @Nullable String text) {
		if (text != null && !text.isEmpty()) {
			events.add(new RelayEvent(name, JsonNodeFactory.instance.objectNode().put("text", text).toString()));
		}
	}

	private static RelayEvent usage(Usage usage) {
		ObjectNode body = JsonNodeFactory.instance.objectNode()
			.put("prompt_tokens", usage.promptTokens())
			.put("completion_tokens", usage.completionTokens())
			.put("total_tokens", usage.totalTokens());
		return new RelayEvent("usage", body.toString());
	}

}
