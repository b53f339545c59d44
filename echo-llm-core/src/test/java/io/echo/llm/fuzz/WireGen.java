package io.echo.llm.fuzz;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON that looks like what an OpenAI-compatible provider streams, and JSON that only nearly does: every known field
 * of a chunk may be absent, {@code null}, of its type or of any other type, and any object may carry fields nobody
 * models. Strings cover the whole of UTF-16 (lone surrogates included: JSON escapes can carry them), control
 * characters, quotes and SSE syntax; numbers cover the edges of {@code int} and {@code long}, big integers and decimals
 * with large exponents.
 */
public final class WireGen {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final Gen gen;

	public WireGen(Gen gen) {
		this.gen = gen;
	}

	/** Text of every kind: ASCII, any UTF-16, control characters, JSON and SSE syntax. */
	public String text() {
		return switch (this.gen.between(0, 3)) {
			case 0 -> this.gen.anyChars(12);
			case 1 -> this.gen.chars("abc XYZ019.,!?-_", 20);
			case 2 -> this.gen.chars("\"\\/\b\f\n\r\t\u0000\u2028\u2029\uFEFF{}[]:,\u00e9\u20ac", 8);
			default -> this.gen.oneOf("", " ", "Hello", "\u00e9t\u00e9", "\uD83D\uDE00", "data: x\n\n", "[DONE]",
					"\uD83D", "\uDE00", "\uFFFD", "\u0000");
		};
	}

	/** Any JSON value, nested a few levels. */
	public JsonNode anyJson() {
		return json(3);
	}

	private JsonNode json(int depth) {
		int kind = this.gen.between(0, (depth > 0) ? 7 : 5);
		return switch (kind) {
			case 0 -> NODES.nullNode();
			case 1 -> NODES.booleanNode(this.gen.chance(0.5));
			case 2, 3 -> NODES.stringNode(text());
			case 4 -> NODES.numberNode(this.gen.anyInt());
			case 5 -> number();
			case 6 -> array(2, () -> json(depth - 1));
			default -> {
				ObjectNode object = NODES.objectNode();
				int size = this.gen.between(0, 3);
				for (int i = 0; i < size; i++) {
					object.set(text(), json(depth - 1));
				}
				yield object;
			}
		};
	}

	/** Numbers at and beyond the edges of the Java types: huge integers, decimals, large and tiny exponents. */
	public JsonNode number() {
		return switch (this.gen.between(0, 3)) {
			case 0 -> NODES.numberNode(new BigInteger(this.gen.between(1, 1000), new java.util.Random(this.gen.anyLong()))
				.multiply(BigInteger.valueOf(this.gen.chance(0.5) ? 1 : -1)));
			case 1 -> NODES.numberNode(new BigDecimal(BigInteger.valueOf(this.gen.between(-99999, 99999)),
					this.gen.between(-400, 400)));
			case 2 -> NODES.numberNode(this.gen.anyDouble());
			default -> NODES.numberNode(this.gen.anyLong());
		};
	}

	/** A chunk object whose every field may be missing, null or of any type. */
	public ObjectNode wildChunk() {
		ObjectNode chunk = NODES.objectNode();
		field(chunk, "id", () -> NODES.stringNode(text()));
		field(chunk, "object", () -> NODES.stringNode(this.gen.oneOf("chat.completion.chunk", "")));
		field(chunk, "created", () -> NODES.numberNode(this.gen.anyLong()));
		field(chunk, "model", () -> NODES.stringNode(text()));
		field(chunk, "system_fingerprint", () -> NODES.stringNode(text()));
		field(chunk, "choices", () -> array(3, this::wildChoice));
		field(chunk, "usage", this::usage);
		if (this.gen.chance(0.08)) {
			field(chunk, "error", this::error);
		}
		extras(chunk);
		return chunk;
	}

	/** A provider's error: an object with the usual fields (of any type), or a string. */
	public JsonNode error() {
		if (this.gen.chance(0.2)) {
			return NODES.stringNode(text());
		}
		ObjectNode error = NODES.objectNode();
		field(error, "message", () -> NODES.stringNode(text()));
		field(error, "type", () -> NODES.stringNode(text()));
		field(error, "code", () -> this.gen.chance(0.5) ? NODES.stringNode(text()) : index());
		field(error, "param", () -> NODES.stringNode(text()));
		extras(error);
		return error;
	}

	private JsonNode wildChoice() {
		ObjectNode delta = NODES.objectNode();
		field(delta, "role", () -> NODES.stringNode(this.gen.oneOf("assistant", "", "tool")));
		field(delta, "content", () -> this.gen.chance(0.8) ? NODES.stringNode(text()) : array(3, this::contentPart));
		field(delta, "reasoning_content", () -> NODES.stringNode(text()));
		field(delta, "reasoning", () -> NODES.stringNode(text()));
		field(delta, "refusal", () -> NODES.stringNode(text()));
		field(delta, "tool_calls", () -> array(3, this::wildToolCall));
		extras(delta);
		ObjectNode choice = NODES.objectNode();
		field(choice, "index", this::index);
		field(choice, "delta", () -> delta);
		field(choice, "finish_reason", () -> NODES.stringNode(this.gen.oneOf("stop", "length", "tool_calls", "")));
		field(choice, "logprobs", this::anyJson);
		extras(choice);
		return choice;
	}

	private JsonNode wildToolCall() {
		ObjectNode function = NODES.objectNode();
		field(function, "name", () -> NODES.stringNode(text()));
		field(function, "arguments", () -> NODES.stringNode(text()));
		extras(function);
		ObjectNode call = NODES.objectNode();
		field(call, "index", this::index);
		field(call, "id", () -> NODES.stringNode(text()));
		field(call, "type", () -> NODES.stringNode("function"));
		field(call, "function", () -> function);
		extras(call);
		return call;
	}

	private JsonNode contentPart() {
		ObjectNode part = NODES.objectNode();
		field(part, "type", () -> NODES.stringNode(this.gen.oneOf("text", "image_url", "thinking", "")));
		field(part, "text", () -> NODES.stringNode(text()));
		field(part, "image_url", () -> NODES.objectNode().put("url", text()));
		extras(part);
		return part;
	}

	private JsonNode usage() {
		ObjectNode usage = NODES.objectNode();
		field(usage, "prompt_tokens", this::index);
		field(usage, "completion_tokens", this::index);
		field(usage, "total_tokens", this::index);
		extras(usage);
		return usage;
	}

	/** Choice and tool-call indexes: mostly small, sometimes anything an {@code int} holds, or beyond. */
	public JsonNode index() {
		int kind = this.gen.between(0, 8);
		return (kind < 6) ? NODES.numberNode(this.gen.between(0, 2))
				: (kind < 8) ? NODES.numberNode(this.gen.anyInt()) : number();
	}

	/** Sets the field: mostly of its type, else left out, {@code null} or any JSON at all. */
	private void field(ObjectNode object, String name, Supplier<JsonNode> typed) {
		int kind = this.gen.between(0, 9);
		if (kind < 6) {
			object.set(name, typed.get());
		}
		else if (kind == 8) {
			object.putNull(name);
		}
		else if (kind == 9) {
			object.set(name, anyJson());
		}
	}

	/** Fields nobody models, now and then. */
	private void extras(ObjectNode object) {
		if (this.gen.chance(0.25)) {
			object.set("x-" + text(), anyJson());
		}
	}

	private ArrayNode array(int maxSize, Supplier<JsonNode> element) {
		ArrayNode array = NODES.arrayNode();
		this.gen.list(maxSize, element).forEach(array::add);
		return array;
	}

}
