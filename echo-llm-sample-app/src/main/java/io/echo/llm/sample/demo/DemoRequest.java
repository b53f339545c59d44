package io.echo.llm.sample.demo;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The parts of a chat-completions request the demo provider looks at.
 *
 * @param prompt text of the last user message
 * @param model model the request names, or {@link DemoProvider#MODEL}
 * @param stream whether the request asks for a stream
 * @param promptTokens rough token count of all messages, for the usage figures
 */
record DemoRequest(String prompt, String model, boolean stream, int promptTokens) {

	/** Reads a request body; {@code null} when it has no usable {@code messages}. */
	static @Nullable DemoRequest parse(JsonNode body) {
		JsonNode messages = body.path("messages");
		if (!messages.isArray() || messages.isEmpty()) {
			return null;
		}
		String prompt = "";
		int promptTokens = 0;
		for (JsonNode message : messages) {
			String text = text(message.path("content"));
			promptTokens += DemoScript.countTokens(text);
			if ("user".equals(message.path("role").asString(""))) {
				prompt = text;
			}
		}
		String model = body.path("model").asString("");
		return new DemoRequest(prompt, model.isBlank() ? DemoProvider.MODEL : model,
				body.path("stream").asBoolean(false), promptTokens);
	}

	/** Content as a string, or the text parts of an array of parts joined. */
	private static String text(JsonNode content) {
		if (content.isArray()) {
			StringBuilder text = new StringBuilder();
			for (JsonNode part : content) {
				text.append(part.path("text").asString(""));
			}
			return text.toString();
		}
		return content.asString("");
	}

}
