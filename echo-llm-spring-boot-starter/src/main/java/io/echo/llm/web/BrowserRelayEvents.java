package io.echo.llm.web;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.chat.Delta;
import io.echo.llm.chat.ToolCallDelta;
import io.echo.llm.chat.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link RelayFormat#BROWSER}: named events with small JSON payloads. Meant for one choice ({@code n} = 1): the
 * events of several choices would interleave. One per stream, used by the executor thread that relays it, which owns
 * {@code finishReason}.
 */
final class BrowserRelayEvents implements RelayEvents {

	private @Nullable String finishReason;

	@Override
	public List<RelayEvent> chunk(ChatCompletionChunk chunk) {
		List<RelayEvent> events = new ArrayList<>(2);
		for (ChunkChoice choice : chunk.choices()) {
			Delta delta = choice.delta();
			if (delta != null) {
				text(events, "reasoning", delta.reasoningText());
				text(events, "token", delta.text());
				// A refusal is what the model says instead of an answer: the user should read it like one.
				text(events, "token", delta.refusal());
				delta.toolCalls().forEach((toolCall) -> events.add(toolCall(toolCall)));
			}
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
		return RelayError.of(failure).event();
	}

	private static void text(List<RelayEvent> events, String name, @Nullable String text) {
		if (text != null && !text.isEmpty()) {
			events.add(new RelayEvent(name, JsonNodeFactory.instance.objectNode().put("text", text).toString()));
		}
	}

	private static RelayEvent toolCall(ToolCallDelta toolCall) {
		ObjectNode body = JsonNodeFactory.instance.objectNode()
			.put("index", toolCall.index())
			.put("id", toolCall.id())
			.put("name", toolCall.name())
			.put("arguments", toolCall.arguments());
		return new RelayEvent("tool_call", body.toString());
	}

	private static RelayEvent usage(Usage usage) {
		ObjectNode body = JsonNodeFactory.instance.objectNode()
			.put("prompt_tokens", usage.promptTokens())
			.put("completion_tokens", usage.completionTokens())
			.put("total_tokens", usage.totalTokens());
		return new RelayEvent("usage", body.toString());
	}

}
