package io.echo.llm.chat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

/**
 * Copies and shared readings for the wire records' compact constructors and accessors. JsonNode containers are
 * mutable, so a record keeps its own copy of every node and hands out copies. Stateless.
 */
final class WireValues {

	private WireValues() {
	}

	@SuppressWarnings("unchecked")
	static Map<String, JsonNode> copyExtra(@Nullable Map<String, ? extends @Nullable JsonNode> extra) {
		if (extra == null || extra.isEmpty()) {
			return Collections.emptyMap();
		}
		if (extra instanceof OwnedExtra owned && owned.keep()) {
			// Built by the codec from a parser for the record being constructed: no one else holds it or its nodes.
			// Only once: the record's accessor, which passes its map here again, hands out a copy.
			return owned;
		}
		Map<String, JsonNode> copy = new LinkedHashMap<>(extra.size() * 2);
		extra.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "extra field name"),
				(value != null) ? value.deepCopy() : NullNode.getInstance()));
		return Collections.unmodifiableMap(copy);
	}

	static @Nullable JsonNode copy(@Nullable JsonNode node) {
		return (node != null) ? node.deepCopy() : null;
	}

	static <T> @Nullable List<T> copyList(@Nullable List<T> list) {
		return (list != null) ? List.copyOf(list) : null;
	}

	/** A value given to a builder's {@code extra(name, value)} as JSON: nodes are copied, others converted. */
	static JsonNode toNode(@Nullable Object value) {
		if (value == null) {
			return NullNode.getInstance();
		}
		if (value instanceof JsonNode node) {
			return node.deepCopy();
		}
		if (value instanceof String text) {
			return JsonNodeFactory.instance.stringNode(text);
		}
		return ChatJson.mapper().valueToTree(value);
	}

	/** Reasoning text from {@code reasoning_content} or else {@code reasoning}: vLLM sends both with the same text. */
	static String reasoningText(@Nullable String reasoningContent, @Nullable String reasoning) {
		if (reasoningContent != null) {
			return reasoningContent;
		}
		return (reasoning != null) ? reasoning : "";
	}

	/** An int field of a details object ({@code usage.completion_tokens_details}), or null if absent or not one. */
	static @Nullable Integer intField(@Nullable JsonNode object, String name) {
		JsonNode value = (object != null) ? object.get(name) : null;
		return (value != null && value.isIntegralNumber() && value.canConvertToInt()) ? value.intValue() : null;
	}

}
