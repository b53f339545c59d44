package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static io.echo.llm.chat.WireTreeReader.MISMATCH;

/**
 * Binds wire records straight from a parser, the decoder's hot path: with the same outcome as
 * {@link WireTreeReader} on the tree of the same JSON, without building the tree. Values of the JSON type a component
 * reads exactly are taken from the tokens; only the others (and unknown fields) are read as trees, to be judged by
 * {@link WireTreeReader} and kept as the tree path keeps them. Stateless.
 */
final class WireParserReader {

	/** A component's value is not of the JSON type it reads fast: take the tree path. */
	private static final Object NOT_FAST = new Object();

	private WireParserReader() {
	}

	/**
	 * Binds a wire record from a parser standing at its {@code START_OBJECT}, through its {@code END_OBJECT}.
	 */
	static Object readRecord(WireShape shape, JsonParser parser, DeserializationContext context) {
		Object[] args = shape.newArgs();
		@Nullable OwnedExtra extra = null;
		long seen = 0;
		int next = 0;
		for (int ordinal = 0;; ordinal++) {
			String name;
			WireComponent component;
			WireShape.Expected expected = shape.expected(ordinal);
			if (expected != null && parser.nextName(expected.name())) {
				name = expected.name().getValue();
				component = expected.component();
			}
			else {
				// Without an expectation the parser reads the name; a wrong one has read it already.
				name = (expected == null) ? parser.nextName()
						: parser.hasToken(JsonToken.PROPERTY_NAME) ? parser.currentName() : null;
				if (name == null) {
					break;
				}
				component = shape.component(name, next);
				shape.expect(ordinal, name, component);
			}
			JsonToken token = parser.nextToken();
			if (component == null) {
				extra = putOwned(extra, name, tree(parser, token, context));
				continue;
			}
			next = component.position + 1;
			long bit = 1L << component.position;
			if ((seen & bit) != 0 && extra != null) {
				// A field sent twice: the last value wins, as in the tree (and in Jackson's binding). An original
				// kept for the first value would be written in its place, or dropped, and break the round trip.
				extra.removeName(name);
			}
			seen |= bit;
			Object typed = readFast(component, parser, token, context);
			if (typed == NOT_FAST || typed instanceof Fallback) {
				JsonNode value = (typed instanceof Fallback fallback) ? fallback.node : tree(parser, token, context);
				Object converted = value.isNull() ? MISMATCH : WireTreeReader.convert(component, value);
				if (converted == MISMATCH || !WireTreeReader.isExact(component, value)) {
					extra = putOwned(extra, name, value);
				}
				typed = (converted == MISMATCH) ? null : converted;
			}
			args[component.position] = typed;
		}
		return shape.construct(args, extra);
	}

	/**
	 * The typed value read straight from the parser when the value has the JSON type that binds exactly (the
	 * parser then stands at its last token), a {@link Fallback}, or {@link #NOT_FAST} having read nothing.
	 */
	private static Object readFast(WireComponent component, JsonParser parser, JsonToken token,
			DeserializationContext context) {
		return switch (component.kind) {
			case STRING -> (token == JsonToken.VALUE_STRING) ? parser.getString() : NOT_FAST;
			case INT, PRIMITIVE_INT -> (token == JsonToken.VALUE_NUMBER_INT
					&& parser.getNumberType() == JsonParser.NumberType.INT) ? (Object) parser.getIntValue()
							: NOT_FAST;
			case LONG -> (token == JsonToken.VALUE_NUMBER_INT
					&& (parser.getNumberType() == JsonParser.NumberType.INT
							|| parser.getNumberType() == JsonParser.NumberType.LONG))
									? (Object) parser.getLongValue() : NOT_FAST;
			// A mapper reading floats as BigDecimal keeps their digits on the tree path.
			case DOUBLE -> (token == JsonToken.VALUE_NUMBER_FLOAT
					&& !context.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS))
							? (Object) parser.getDoubleValue() : NOT_FAST;
			case BOOLEAN -> (token == JsonToken.VALUE_TRUE) ? Boolean.TRUE
					: (token == JsonToken.VALUE_FALSE) ? Boolean.FALSE : NOT_FAST;
			case CONTENT -> readContent(parser, token, context);
			case RECORD -> (token == JsonToken.START_OBJECT)
					? readRecord(component.recordShape(), parser, context) : NOT_FAST;
			case STRING_LIST -> (token == JsonToken.START_ARRAY) ? readStringList(parser, context) : NOT_FAST;
			case RECORD_LIST -> (token == JsonToken.START_ARRAY)
					? readRecordList(component.recordShape(), parser, context) : NOT_FAST;
			case JSON -> NOT_FAST;
		};
	}

	private static Object readContent(JsonParser parser, JsonToken token, DeserializationContext context) {
		if (token == JsonToken.VALUE_STRING) {
			return new MessageContent.Text(parser.getString());
		}
		if (token != JsonToken.START_ARRAY) {
			return NOT_FAST;
		}
		Object parts = readRecordList(WireShape.of(ContentPart.class), parser, context);
		return (parts instanceof Fallback) ? parts : new MessageContent.Parts(WireTreeReader.castList(parts));
	}

	/**
	 * Reads an array of wire records from a parser standing at its {@code START_ARRAY}. An element that is not an
	 * object makes the whole array a {@link Fallback} holding its JSON (the elements read so far written back, which
	 * gives their JSON field for field).
	 */
	private static Object readRecordList(WireShape shape, JsonParser parser, DeserializationContext context) {
		JsonToken token = parser.nextToken();
		if (token == JsonToken.START_OBJECT) {
			Object first = readRecord(shape, parser, context);
			token = parser.nextToken();
			if (token == JsonToken.END_ARRAY) {
				// The usual list of one choice (or one part, one tool call): an immutable list, which the record's
				// List.copyOf keeps rather than copies.
				return List.of(first);
			}
			List<Object> list = new ArrayList<>(4);
			list.add(first);
			return readRecordList(shape, parser, token, list, context);
		}
		return readRecordList(shape, parser, token, new ArrayList<>(0), context);
	}

	/** The rest of {@link #readRecordList} from its current token, after the elements already in the list. */
	private static Object readRecordList(WireShape shape, JsonParser parser, JsonToken current, List<Object> list,
			DeserializationContext context) {
		for (JsonToken token = current; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
			if (token != JsonToken.START_OBJECT) {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				list.forEach((element) -> array.add(ChatJson.mapper().<JsonNode>valueToTree(element)));
				return rest(array, parser, context);
			}
			list.add(readRecord(shape, parser, context));
		}
		return list;
	}

	/** As {@link #readRecordList}, for an array of strings. */
	private static Object readStringList(JsonParser parser, DeserializationContext context) {
		List<String> list = new ArrayList<>(2);
		for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
			if (token != JsonToken.VALUE_STRING) {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				list.forEach(array::add);
				return rest(array, parser, context);
			}
			list.add(parser.getString());
		}
		return list;
	}

	/**
	 * The JSON of the value at the current token, as {@code context.readTree} makes it. Scalars without options (a
	 * string, a boolean, null: the usual unknown field or explicit null) are made here, as Jackson's node
	 * deserializer makes them, because {@code readTree} looks up and checks that deserializer on every call.
	 */
	private static JsonNode tree(JsonParser parser, JsonToken token, DeserializationContext context) {
		return switch (token) {
			case VALUE_NULL -> context.getNodeFactory().nullNode();
			case VALUE_STRING -> context.getNodeFactory().stringNode(parser.getString());
			case VALUE_TRUE -> context.getNodeFactory().booleanNode(true);
			case VALUE_FALSE -> context.getNodeFactory().booleanNode(false);
			default -> context.readTree(parser);
		};
	}

	/** Adds the current element and the rest of the array to the given one. */
	private static Fallback rest(ArrayNode array, JsonParser parser, DeserializationContext context) {
		array.add(context.readTree(parser));
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			array.add(context.readTree(parser));
		}
		return new Fallback(array);
	}

	/** As {@link WireTreeReader}'s extra map, for values read from a parser: nodes that nothing else holds. */
	private static OwnedExtra putOwned(@Nullable OwnedExtra extra, String name, JsonNode value) {
		OwnedExtra map = (extra != null) ? extra : new OwnedExtra();
		map.add(name, value);
		return map;
	}

	/**
	 * The JSON of a value that a fast read began but could not bind exactly, for the tree path to judge.
	 *
	 * @param node the value's JSON
	 */
	private record Fallback(JsonNode node) {
	}

}
