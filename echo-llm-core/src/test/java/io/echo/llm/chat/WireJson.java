package io.echo.llm.chat;

import tools.jackson.databind.JsonNode;

/**
 * JSON helpers for the wire-type tests. JSON is written with single quotes for readability.
 */
final class WireJson {

	private WireJson() {
	}

	static String json(String singleQuoted) {
		return singleQuoted.replace('\'', '"');
	}

	static <T> T read(String singleQuoted, Class<T> type) {
		return ChatJson.mapper().readValue(json(singleQuoted), type);
	}

	static JsonNode tree(String singleQuoted) {
		return ChatJson.mapper().readTree(json(singleQuoted));
	}

	static JsonNode written(Object value) {
		return ChatJson.mapper().readTree(ChatJson.mapper().writeValueAsString(value));
	}

	static ChatCompletionChunk chunk(String singleQuoted) {
		return read(singleQuoted, ChatCompletionChunk.class);
	}

}
