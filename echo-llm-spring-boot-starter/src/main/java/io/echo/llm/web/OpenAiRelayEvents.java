package io.echo.llm.web;

import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@link RelayFormat#OPENAI}: each chunk as the provider's JSON, then {@code [DONE]}. */
final class OpenAiRelayEvents implements RelayEvents {

	private static final RelayEvent DONE = new RelayEvent(null, "[DONE]");

	@Override
	public List<RelayEvent> chunk(ChatCompletionChunk chunk) {
		return List.of(new RelayEvent(null, ChatJson.mapper().writeValueAsString(chunk)));
	}

	@Override
	public RelayEvent done() {
		return DONE;
	}

	// Named "error" and wrapped in {"error": ...}: the OpenAI SDKs raise such an event as an API error.
	@Override
	public RelayEvent error(Throwable failure) {
		ObjectNode body = JsonNodeFactory.instance.objectNode().set("error", RelayError.of(failure).toJson());
		return new RelayEvent("error", body.toString());
	}

}
