package io.echo.llm.web;

import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link RelayFormat#OPENAI}: each chunk as the provider's JSON, then {@code [DONE]}. Given the provider's own data
 * for a chunk (the relay gets it from the engine's stream), that goes out byte for byte; otherwise the decoded chunk
 * is serialized. The usage-only chunk (no choices, only {@code usage}) goes out only when the client asked for it:
 * the engine asks the provider for usage on its own behalf, and OpenAI clients index {@code choices[0]} of every chunk
 * unless they asked for that one.
 */
final class OpenAiRelayEvents implements RelayEvents {

	private static final RelayEvent DONE = new RelayEvent(null, "[DONE]");

	private final boolean usageChunk;

	/**
	 * @param usageChunk whether the client asked for the usage chunk ({@code stream_options.include_usage})
	 */
	OpenAiRelayEvents(boolean usageChunk) {
		this.usageChunk = usageChunk;
	}

	@Override
	public List<RelayEvent> chunk(ChatCompletionChunk chunk) {
		return chunk(chunk, null);
	}

	/**
	 * The events for one chunk, written from the provider's data when given.
	 * @param data the event data the chunk was decoded from, exactly as the provider sent it, or {@code null} when
	 * unknown or when the chunk is not what it says (the engine gives none for a chunk it changed, such as one it
	 * took the provider's error out of: that error's text must not reach the client)
	 */
	List<RelayEvent> chunk(ChatCompletionChunk chunk, @Nullable String data) {
		if (!this.usageChunk && chunk.usage() != null && chunk.choices().isEmpty()) {
			// Usage on a chunk with choices (Mistral, DeepSeek, vLLM) is the provider's own habit and goes through.
			return List.of();
		}
		if (data != null && !hasLineBreak(data)) {
			// The provider's bytes: its field order, spacing, escapes, numbers and unknown fields, and no
			// serialization per token. Data sent over several data: lines (its JSON broken at whitespace) is the
			// rare exception: an event here is one line, so that one is serialized.
			return List.of(new RelayEvent(null, data));
		}
		return List.of(new RelayEvent(null, ChatJson.mapper().writeValueAsString(chunk)));
	}

	private static boolean hasLineBreak(String data) {
		return data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0;
	}

	@Override
	public RelayEvent done() {
		return DONE;
	}

	// Named "error" and wrapped in {"error": ...}: the OpenAI SDKs raise such an event as an API error. OpenAI's
	// own error object has message, type, param and code; the status stays for clients that read it.
	@Override
	public RelayEvent error(Throwable failure) {
		RelayError error = RelayError.of(failure);
		ObjectNode json = error.toJson().put("type", type(error.status())).putNull("param");
		ObjectNode body = JsonNodeFactory.instance.objectNode().set("error", json);
		return new RelayEvent("error", body.toString());
	}

	/** The {@code type} OpenAI's API gives an error of this status. */
	static String type(int status) {
		return switch (status) {
			case 400, 404, 409, 410, 413, 415, 422 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 403 -> "permission_error";
			case 429 -> "rate_limit_error";
			default -> "api_error";
		};
	}

}
