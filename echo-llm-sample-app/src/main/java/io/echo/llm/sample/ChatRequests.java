package io.echo.llm.sample;

import java.util.Set;

import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads request bodies into {@link ChatCompletionRequest}s with the wire types' own mapper, and rejects what no
 * provider would accept with an {@link InvalidChatRequestException} that says what is wrong.
 */
final class ChatRequests {

	private static final Set<String> PAGE_ROLES = Set.of("system", "user", "assistant");

	private ChatRequests() {
	}

	/**
	 * Reads the chat page's {@code {"messages": [{"role", "content"}...], "model": optional}}. Only those fields are
	 * passed on: the page is no way to send arbitrary parameters to a paid provider.
	 */
	static ChatCompletionRequest page(byte[] body) {
		JsonNode tree = tree(body);
		JsonNode messages = messages(tree);
		ObjectNode request = ChatJson.mapper().createObjectNode();
		ArrayNode copied = request.putArray("messages");
		for (JsonNode message : messages) {
			String role = message.path("role").asString("");
			if (!PAGE_ROLES.contains(role) || !message.path("content").isString()) {
				throw new InvalidChatRequestException(
						"each message needs a role (system, user or assistant) and a string content");
			}
			copied.addObject().put("role", role).put("content", message.path("content").asString());
		}
		String model = tree.path("model").asString("");
		if (!model.isBlank()) {
			request.put("model", model);
		}
		// Not withStream(true): the engine streams it anyway, and asks for usage as echo.llm.stream.include-usage says.
		return convert(request);
	}

	/** Reads an OpenAI {@code /chat/completions} request as it is, every parameter included. */
	static ChatCompletionRequest openAi(byte[] body) {
		JsonNode tree = tree(body);
		messages(tree);
		return convert(tree);
	}

	private static JsonNode tree(byte[] body) {
		try {
			JsonNode tree = ChatJson.mapper().readTree(body);
			if (tree == null || !tree.isObject()) {
				throw new InvalidChatRequestException("the body must be a JSON object");
			}
			return tree;
		}
		catch (JacksonException ex) {
			throw new InvalidChatRequestException("the body is not valid JSON");
		}
	}

	private static JsonNode messages(JsonNode tree) {
		JsonNode messages = tree.path("messages");
		if (!messages.isArray() || messages.isEmpty()) {
			throw new InvalidChatRequestException("'messages' must be a non-empty array");
		}
		return messages;
	}

	private static ChatCompletionRequest convert(JsonNode tree) {
		try {
			return ChatJson.mapper().treeToValue(tree, ChatCompletionRequest.class);
		}
		catch (JacksonException ex) {
			throw new InvalidChatRequestException("the body is not a chat completion request: "
					+ ex.getOriginalMessage());
		}
	}

}
