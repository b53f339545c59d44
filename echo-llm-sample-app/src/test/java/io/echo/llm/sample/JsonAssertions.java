package io.echo.llm.sample;

import io.echo.llm.chat.ChatJson;
import tools.jackson.databind.JsonNode;

/** Small helpers to read JSON in assertions. */
final class JsonAssertions {

	private JsonAssertions() {
	}

	static JsonNode json(String text) {
		return ChatJson.mapper().readTree(text);
	}

	static String chat(String prompt) {
		return "{\"messages\":[{\"role\":\"user\",\"content\":" + ChatJson.mapper().writeValueAsString(prompt) + "}]}";
	}

	static String openAi(String prompt, boolean stream) {
		return "{\"model\":\"any-model\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
				+ ChatJson.mapper().writeValueAsString(prompt) + "}]}";
	}

}
