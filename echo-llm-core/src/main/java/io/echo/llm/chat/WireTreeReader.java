package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Binds wire records from a JSON tree, and judges a component's JSON value for the other paths: what typed value it
 * reads as ({@link #convert}) and whether writing that value gives the JSON back ({@link #isExact}). The rules are
 * those of {@link WireCodec}. Stateless.
 */
final class WireTreeReader {

	/** A JSON value the component cannot read (of the wrong type): the component takes its absent value. */
	static final Object MISMATCH = new Object();

	private WireTreeReader() {
	}

	/**
	 * Binds a wire record (or a {@link MessageContent}) from a JSON value.
	 * @throws IllegalArgumentException if the value has the wrong JSON type
	 */
	static <T> T read(Class<T> type, JsonNode node) {
		Object value = (type == MessageContent.class) ? readContent(node) : readRecord(WireShape.of(type), node);
		if (value == MISMATCH) {
			throw new IllegalArgumentException(
					"Expected " + ((type == MessageContent.class) ? "a string or an array" : "a JSON object") + " for "
							+ type.getSimpleName() + " but got " + node.getNodeType());
		}
		return type.cast(value);
	}

	/** The typed value of a non-null JSON value for the component, or {@link #MISMATCH}. */
	static Object convert(WireComponent component, JsonNode node) {
		return switch (component.kind) {
			case STRING -> (node.isString() || node.isNumber() || node.isBoolean()) ? node.asString() : MISMATCH;
			case INT, PRIMITIVE_INT -> (node.isNumber() && isWhole(node) && node.canConvertToInt())
					? (Object) node.intValue() : MISMATCH;
			case LONG -> (node.isNumber() && isWhole(node) && node.canConvertToLong()) ? (Object) node.longValue()
					: MISMATCH;
			case DOUBLE -> node.isNumber() ? (Object) node.doubleValue() : MISMATCH;
			case BOOLEAN -> node.isBoolean() ? (Object) node.booleanValue() : MISMATCH;
			case JSON -> node;
			case CONTENT -> readContent(node);
			case RECORD -> readRecord(component.recordShape(), node);
			case STRING_LIST -> stringList(node);
			case RECORD_LIST -> readRecordList(component.recordShape(), node);
		};
	}

	/** Whether writing the component's typed value of a non-null JSON value gives that JSON value back. */
	static boolean isExact(WireComponent component, JsonNode node) {
		return switch (component.kind) {
			case STRING -> node.isString();
			case INT, PRIMITIVE_INT, LONG -> node.isIntegralNumber();
			case DOUBLE -> node.isDouble();
			case STRING_LIST -> node.isArray();
			default -> true;
		};
	}

	private static Object readRecord(WireShape shape, JsonNode node) {
		if (!node.isObject()) {
			return MISMATCH;
		}
		Object[] args = shape.newArgs();
		// Most records of a chunk have no extra field: their map is only made when one turns up.
		@Nullable Map<String, JsonNode> extra = null;
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			WireComponent component = shape.byName.get(property.getKey());
			JsonNode value = property.getValue();
			if (component == null) {
				extra = put(extra, property.getKey(), value);
				continue;
			}
			Object converted = value.isNull() ? MISMATCH : convert(component, value);
			if (converted == MISMATCH || !isExact(component, value)) {
				extra = put(extra, property.getKey(), value);
			}
			args[component.position] = (converted == MISMATCH) ? null : converted;
		}
		return shape.construct(args, extra);
	}

	private static Map<String, JsonNode> put(@Nullable Map<String, JsonNode> extra, String name, JsonNode value) {
		Map<String, JsonNode> map = (extra != null) ? extra : new LinkedHashMap<>();
		map.put(name, value);
		return map;
	}

	private static Object readContent(JsonNode node) {
		if (node.isString()) {
			return new MessageContent.Text(node.stringValue());
		}
		Object parts = readRecordList(WireShape.of(ContentPart.class), node);
		return (parts == MISMATCH) ? MISMATCH : new MessageContent.Parts(castList(parts));
	}

	private static Object readRecordList(WireShape shape, JsonNode node) {
		if (!node.isArray()) {
			return MISMATCH;
		}
		List<Object> list = new ArrayList<>(node.size());
		for (JsonNode element : node.values()) {
			Object value = readRecord(shape, element);
			if (value == MISMATCH) {
				return MISMATCH;
			}
			list.add(value);
		}
		return list;
	}

	private static boolean isWhole(JsonNode node) {
		return node.isIntegralNumber() || node.doubleValue() == Math.rint(node.doubleValue());
	}

	private static Object stringList(JsonNode node) {
		if (node.isString()) {
			return List.of(node.stringValue());
		}
		if (!node.isArray()) {
			return MISMATCH;
		}
		List<String> list = new ArrayList<>(node.size());
		for (JsonNode element : node.values()) {
			if (!element.isString()) {
				return MISMATCH;
			}
			list.add(element.stringValue());
		}
		return list;
	}

	@SuppressWarnings("unchecked")
	static <T> List<T> castList(Object list) {
		return (List<T>) list;
	}

}
