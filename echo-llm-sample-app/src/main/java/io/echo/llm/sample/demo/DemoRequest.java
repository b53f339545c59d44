package io.echo.llm.sample.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The parts of a chat-completions request the demo provider looks at.
 *
 * @param prompt text of the last user message
 * @param toolResults results of the tools the model called, sent after the last user message (an agent loop's
 * second round), in order; empty when there are none
 * @param offeredTools names of the functions the request lets the model call, or {@code null} when it lists none (the
 * demo then calls its tools anyway, to show a tool call on the chat page)
 * @param model model the request names, or {@link DemoProvider#MODEL}
 * @param stream whether the request asks for a stream
 * @param choices how many choices to answer with ({@code n})
 * @param promptTokens rough token count of all messages, for the usage figures
 */
record DemoRequest(String prompt, List<ToolResult> toolResults, @Nullable Set<String> offeredTools, String model,
		boolean stream, int choices, int promptTokens) {

	/** Most choices ({@code n}) the demo answers with: every one costs a frame per token. */
	static final int MAX_CHOICES = 8;

	/**
	 * What one tool answered.
	 * @param name the function's name, from the assistant message that called it ({@code "tool"} when unknown)
	 * @param content what the tool returned
	 */
	record ToolResult(String name, String content) {
	}

	/** A request the demo provider refuses, with the parameter at fault. */
	static final class InvalidException extends IllegalArgumentException {

		private final String param;

		InvalidException(String param, String message) {
			super(message);
			this.param = param;
		}

		String param() {
			return this.param;
		}

	}

	/**
	 * Reads a request body.
	 * @throws InvalidException when it has no usable {@code messages} or an {@code n} the demo does not serve
	 */
	static DemoRequest parse(JsonNode body) {
		JsonNode messages = body.path("messages");
		if (!body.isObject() || !messages.isArray() || messages.isEmpty()) {
			throw new InvalidException("messages", "'messages' must be a non-empty array of {role, content} objects.");
		}
		String prompt = "";
		List<ToolResult> toolResults = new ArrayList<>();
		Map<String, String> calledTools = new HashMap<>();
		int promptTokens = 0;
		for (JsonNode message : messages) {
			String text = text(message.path("content"));
			promptTokens += DemoScript.countTokens(text);
			switch (message.path("role").asString("")) {
				case "user" -> {
					prompt = text;
					// Tool results answer the calls made since the last user message only.
					toolResults.clear();
				}
				case "assistant" -> message.path("tool_calls")
					.forEach((call) -> calledTools.put(call.path("id").asString(""),
							call.at("/function/name").asString("tool")));
				case "tool" -> toolResults.add(new ToolResult(
						calledTools.getOrDefault(message.path("tool_call_id").asString(""), "tool"), text));
				default -> {
				}
			}
		}
		String model = body.path("model").asString("");
		return new DemoRequest(prompt, List.copyOf(toolResults), offeredTools(body),
				model.isBlank() ? DemoProvider.MODEL : model, body.path("stream").asBoolean(false), choices(body),
				promptTokens);
	}

	/** Whether the model may call the function {@code name}, as a provider decides it from the request. */
	boolean mayCall(String name) {
		return this.offeredTools == null || this.offeredTools.contains(name);
	}

	private static @Nullable Set<String> offeredTools(JsonNode body) {
		JsonNode tools = body.path("tools");
		if ("none".equals(body.path("tool_choice").asString(""))) {
			return Set.of();
		}
		if (!tools.isArray()) {
			return null;
		}
		Set<String> names = new HashSet<>();
		tools.forEach((tool) -> names.add(tool.at("/function/name").asString("")));
		return Set.copyOf(names);
	}

	// OpenAI answers an n it does not serve with a 400 naming the parameter; so does the demo.
	private static int choices(JsonNode body) {
		JsonNode n = body.path("n");
		if (n.isMissingNode() || n.isNull()) {
			return 1;
		}
		if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_CHOICES) {
			throw new InvalidException("n", "'n' must be an integer from 1 to " + MAX_CHOICES
					+ " for the demo provider.");
		}
		return n.asInt();
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
