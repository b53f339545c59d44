package io.echo.llm.chat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.TreeTraversingParser;

/**
 * Reads and writes the wire records of this package so that a provider's JSON survives a read and a write unchanged.
 * <p>
 * Jackson's record binding cannot tell an absent field from an explicit {@code null}, and it would rewrite a number
 * sent where text is modelled (an error {@code code} of {@code 400}) as a string. So each record is bound field by
 * field, as if from its JSON tree (the tree itself is only built for values that need judging): every component reads
 * the field of its JSON name; fields without a component, and the original value of a
 * field the component cannot reproduce exactly (an explicit null, a number read as text, a single string read as a
 * list, a value of the wrong type), go to the record's {@code extra} map. On writing, such an original is written in
 * place of the typed value as long as the typed value is still the one read from it; a changed value wins. A field
 * sent twice reads as its last value, as in a JSON tree: it is written back once.
 * <p>
 * A component's JSON name is its {@link JsonProperty @JsonProperty} value, else its name in snake_case. Supported
 * component types: {@code String}, {@code int}, {@code Integer}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code JsonNode}, {@link MessageContent}, another wire record, a {@code List} of strings or of wire records, and the
 * {@code Map<String, JsonNode> extra} component every wire record ends with.
 */
final class WireCodec {

	private static final ClassValue<Shape> SHAPES = new ClassValue<>() {

		@Override
		protected Shape computeValue(Class<?> type) {
			return new Shape(type);
		}

	};

	private static final Object MISMATCH = new Object();

	/** A component's value is not of the JSON type it reads fast: take the tree path. */
	private static final Object NOT_FAST = new Object();

	private WireCodec() {
	}

	/**
	 * Binds a wire record (or a {@link MessageContent}) from a JSON value.
	 * @throws IllegalArgumentException if the value has the wrong JSON type
	 */
	static <T> T read(Class<T> type, JsonNode node) {
		Object value = (type == MessageContent.class) ? readContent(node) : readRecord(SHAPES.get(type), node);
		if (value == MISMATCH) {
			throw new IllegalArgumentException(
					"Expected " + ((type == MessageContent.class) ? "a string or an array" : "a JSON object") + " for "
							+ type.getSimpleName() + " but got " + node.getNodeType());
		}
		return type.cast(value);
	}

	/** Writes a wire record (or a {@link MessageContent}). */
	static void write(Object value, JsonGenerator gen) {
		if (value instanceof MessageContent content) {
			writeContent(content, gen);
			return;
		}
		Shape shape = SHAPES.get(value.getClass());
		Map<String, JsonNode> extra = shape.extra(value);
		gen.writeStartObject(value);
		for (Component component : shape.components) {
			Object typed = component.get(value);
			JsonNode original = extra.get(component.jsonName);
			if (original != null && writesOriginal(component, original, typed)) {
				gen.writeName(component.jsonName);
				gen.writeTree(original);
			}
			else if (typed != null) {
				gen.writeName(component.jsonName);
				writeValue(component, typed, gen);
			}
		}
		for (Map.Entry<String, JsonNode> entry : extra.entrySet()) {
			if (!shape.byName.containsKey(entry.getKey())) {
				gen.writeName(entry.getKey());
				gen.writeTree(entry.getValue());
			}
		}
		gen.writeEndObject();
	}

	private static boolean writesOriginal(Component component, JsonNode original, @Nullable Object typed) {
		// An explicit null or a value of the wrong type was read as the component's absent value.
		Object read = original.isNull() ? MISMATCH : component.convert(original);
		return Objects.equals((read == MISMATCH) ? component.absent() : read, typed);
	}

	private static Object readRecord(Shape shape, JsonNode node) {
		if (!node.isObject()) {
			return MISMATCH;
		}
		Object[] args = new Object[shape.components.size() + 1];
		// Most records of a chunk have no extra field: their map is only made when one turns up.
		@Nullable Map<String, JsonNode> extra = null;
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			Component component = shape.byName.get(property.getKey());
			JsonNode value = property.getValue();
			if (component == null) {
				extra = put(extra, property.getKey(), value);
				continue;
			}
			Object converted = value.isNull() ? MISMATCH : component.convert(value);
			if (converted == MISMATCH || !component.isExact(value)) {
				extra = put(extra, property.getKey(), value);
			}
			args[component.position] = (converted == MISMATCH) ? null : converted;
		}
		return shape.construct(args, extra);
	}

	/** As {@link #put}, for values read from a parser: nodes that nothing else holds. */
	private static Map<String, JsonNode> putOwned(@Nullable Map<String, JsonNode> extra, String name,
			JsonNode value) {
		Map<String, JsonNode> map = (extra != null) ? extra : new OwnedExtra();
		map.put(name, value);
		return map;
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
		Object parts = readRecordList(ContentPart.class, node);
		return (parts == MISMATCH) ? MISMATCH : new MessageContent.Parts(castList(parts));
	}

	private static Object readRecordList(Class<?> elementType, JsonNode node) {
		if (!node.isArray()) {
			return MISMATCH;
		}
		Shape shape = SHAPES.get(elementType);
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

	/**
	 * Binds a wire record from a parser standing at its {@code START_OBJECT}, through its {@code END_OBJECT}, with
	 * the same outcome as {@link #readRecord(Shape, JsonNode)} on the tree of that object, without building the tree:
	 * values of the expected JSON type are read straight from the tokens, and only the others (and unknown fields)
	 * are read as trees, to be judged and kept as the tree path does.
	 */
	private static Object readRecord(Shape shape, JsonParser parser, DeserializationContext context) {
		Object[] args = new Object[shape.components.size() + 1];
		@Nullable Map<String, JsonNode> extra = null;
		long seen = 0;
		for (String name = parser.nextName(); name != null; name = parser.nextName()) {
			JsonToken token = parser.nextToken();
			Component component = shape.byName.get(name);
			if (component == null) {
				extra = putOwned(extra, name, context.readTree(parser));
				continue;
			}
			long bit = 1L << component.position;
			if ((seen & bit) != 0 && extra != null) {
				// A field sent twice: the last value wins, as in the tree (and in Jackson's binding). An original
				// kept for the first value would be written in its place, or dropped, and break the round trip.
				extra.remove(name);
			}
			seen |= bit;
			Object typed = component.readFast(parser, token, context);
			if (typed == NOT_FAST || typed instanceof Fallback) {
				JsonNode value = (typed instanceof Fallback fallback) ? fallback.node : context.readTree(parser);
				Object converted = value.isNull() ? MISMATCH : component.convert(value);
				if (converted == MISMATCH || !component.isExact(value)) {
					extra = putOwned(extra, name, value);
				}
				typed = (converted == MISMATCH) ? null : converted;
			}
			args[component.position] = typed;
		}
		return shape.construct(args, extra);
	}

	/**
	 * Reads an array of wire records from a parser standing at its {@code START_ARRAY}. An element that is not an
	 * object makes the whole array a {@link Fallback} holding its JSON (the elements read so far written back, which
	 * gives their JSON field for field).
	 */
	private static Object readRecordList(Shape shape, JsonParser parser, DeserializationContext context) {
		List<Object> list = new ArrayList<>(2);
		for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
			if (token != JsonToken.START_OBJECT) {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				list.forEach((element) -> array.add(ChatJson.mapper().<JsonNode>valueToTree(element)));
				return rest(array, parser, context);
			}
			list.add(readRecord(shape, parser, context));
		}
		return list;
	}

	/** As {@link #readRecordList(Shape, JsonParser, DeserializationContext)}, for an array of strings. */
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

	/** Adds the current element and the rest of the array to the given one. */
	private static Fallback rest(ArrayNode array, JsonParser parser, DeserializationContext context) {
		array.add(context.readTree(parser));
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			array.add(context.readTree(parser));
		}
		return new Fallback(array);
	}

	/**
	 * Extra fields the codec read from a parser for one record: the map and its nodes are referenced by nothing
	 * else, so the record's constructor keeps them rather than copying them. Private, so no caller can pass one.
	 */
	private static final class OwnedExtra extends LinkedHashMap<String, JsonNode> {

		private static final long serialVersionUID = 1L;

	}

	/**
	 * The JSON of a value that a fast read began but could not bind exactly, for the tree path to judge.
	 *
	 * @param node the value's JSON
	 */
	private record Fallback(JsonNode node) {
	}

	@SuppressWarnings("unchecked")
	private static <T> List<T> castList(Object list) {
		return (List<T>) list;
	}

	private static void writeValue(Component component, Object value, JsonGenerator gen) {
		switch (component.kind) {
			case STRING -> gen.writeString((String) value);
			case INT, PRIMITIVE_INT -> gen.writeNumber((Integer) value);
			case LONG -> gen.writeNumber((Long) value);
			case DOUBLE -> gen.writeNumber((Double) value);
			case BOOLEAN -> gen.writeBoolean((Boolean) value);
			case JSON -> gen.writeTree((JsonNode) value);
			case CONTENT -> writeContent((MessageContent) value, gen);
			case RECORD -> write(value, gen);
			case STRING_LIST -> {
				gen.writeStartArray();
				for (Object element : (List<?>) value) {
					gen.writeString((String) element);
				}
				gen.writeEndArray();
			}
			case RECORD_LIST -> writeRecords((List<?>) value, gen);
		}
	}

	private static void writeContent(MessageContent content, JsonGenerator gen) {
		if (content instanceof MessageContent.Text text) {
			gen.writeString(text.text());
		}
		else {
			writeRecords(((MessageContent.Parts) content).parts(), gen);
		}
	}

	private static void writeRecords(List<?> records, JsonGenerator gen) {
		gen.writeStartArray();
		for (Object element : records) {
			write(element, gen);
		}
		gen.writeEndArray();
	}

	// Copies for the records' compact constructors and accessors: JsonNode containers are mutable, so a record keeps
	// its own copy and hands out copies.

	@SuppressWarnings("unchecked")
	static Map<String, JsonNode> copyExtra(@Nullable Map<String, ? extends @Nullable JsonNode> extra) {
		if (extra == null || extra.isEmpty()) {
			return Collections.emptyMap();
		}
		if (extra instanceof OwnedExtra owned) {
			// Built by this codec from a parser for the record being constructed: no one else holds it or its nodes.
			return Collections.unmodifiableMap(owned);
		}
		Map<String, JsonNode> copy = new LinkedHashMap<>(extra.size() * 2);
		extra.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "extra field name"),
				(value != null) ? value.deepCopy() : NullNode.getInstance()));
		return Collections.unmodifiableMap(copy);
	}

	static @Nullable JsonNode copy(@Nullable JsonNode node) {
		return (node != null) ? node.deepCopy() : null;
	}

	/** Reasoning text from {@code reasoning_content} or else {@code reasoning}: vLLM sends both with the same text. */
	static String reasoningText(@Nullable String reasoningContent, @Nullable String reasoning) {
		if (reasoningContent != null) {
			return reasoningContent;
		}
		return (reasoning != null) ? reasoning : "";
	}

	static @Nullable Integer intField(@Nullable JsonNode object, String name) {
		JsonNode value = (object != null) ? object.get(name) : null;
		return (value != null && value.isIntegralNumber() && value.canConvertToInt()) ? value.intValue() : null;
	}

	static <T> @Nullable List<T> copyList(@Nullable List<T> list) {
		return (list != null) ? List.copyOf(list) : null;
	}

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

	private enum Kind {

		STRING, INT, PRIMITIVE_INT, LONG, DOUBLE, BOOLEAN, JSON, CONTENT, RECORD, STRING_LIST, RECORD_LIST

	}

	private static final class Shape {

		private final List<Component> components = new ArrayList<>();

		private final Map<String, Component> byName = new HashMap<>();

		private final Field extraField;

		/** The canonical constructor taking its arguments as one {@code Object[]}. */
		private final MethodHandle constructor;

		Shape(Class<?> type) {
			if (!type.isRecord()) {
				throw new IllegalStateException(type.getName() + " is not a wire record");
			}
			RecordComponent[] recordComponents = type.getRecordComponents();
			RecordComponent last = recordComponents[recordComponents.length - 1];
			if (!last.getName().equals("extra") || last.getType() != Map.class) {
				throw new IllegalStateException(type.getName() + " must end with a Map<String, JsonNode> extra");
			}
			if (recordComponents.length > Long.SIZE + 1) {
				// The streaming read marks the components it has seen in the bits of a long.
				throw new IllegalStateException(type.getName() + " has more than " + Long.SIZE + " components");
			}
			Class<?>[] types = new Class<?>[recordComponents.length];
			for (int i = 0; i < recordComponents.length; i++) {
				types[i] = recordComponents[i].getType();
				if (i < recordComponents.length - 1) {
					Component component = new Component(type, recordComponents[i], i);
					this.components.add(component);
					this.byName.put(component.jsonName, component);
				}
			}
			this.extraField = field(type, last.getName());
			try {
				// A handle bound once per type: every chunk builds several records, and a reflective
				// newInstance per record showed in the decoding profile.
				this.constructor = MethodHandles.lookup()
					.unreflectConstructor(type.getDeclaredConstructor(types))
					.asSpreader(Object[].class, types.length)
					.asType(MethodType.methodType(Object.class, Object[].class));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("No accessible canonical constructor on " + type.getName(), ex);
			}
		}

		@SuppressWarnings("unchecked")
		Map<String, JsonNode> extra(Object record) {
			try {
				return (Map<String, JsonNode>) this.extraField.get(record);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** Builds the record from the components read (absent ones take their absent value) and the extra fields. */
		Object construct(Object[] args, @Nullable Map<String, JsonNode> extra) {
			for (Component component : this.components) {
				if (args[component.position] == null) {
					args[component.position] = component.absent();
				}
			}
			args[args.length - 1] = (extra != null) ? extra : Map.of();
			try {
				return (Object) this.constructor.invokeExact(args);
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private static Field field(Class<?> type, String name) {
		try {
			// The field, not the accessor: accessors hand out copies or defaults (an empty list for an absent one).
			Field field = type.getDeclaredField(name);
			field.setAccessible(true);
			return field;
		}
		catch (NoSuchFieldException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final class Component {

		private final String jsonName;

		private final int position;

		private final Kind kind;

		private final @Nullable Class<?> recordType;

		private final Field field;

		Component(Class<?> owner, RecordComponent component, int position) {
			this.position = position;
			this.field = field(owner, component.getName());
			JsonProperty property = this.field.getAnnotation(JsonProperty.class);
			this.jsonName = (property != null && !property.value().isEmpty()) ? property.value()
					: snakeCase(component.getName());
			Class<?> type = component.getType();
			Class<?> element = (type == List.class) ? elementType(owner, component.getGenericType()) : null;
			this.kind = kindOf(owner, type, element);
			this.recordType = (this.kind == Kind.RECORD) ? type : (this.kind == Kind.RECORD_LIST) ? element : null;
		}

		@Nullable Object get(Object record) {
			try {
				return this.field.get(record);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The value of the component when the field is absent, null or of the wrong type. */
		@Nullable Object absent() {
			return (this.kind == Kind.PRIMITIVE_INT) ? (Object) 0 : null;
		}

		/** The typed value of a non-null JSON value, or {@link #MISMATCH}. */
		Object convert(JsonNode node) {
			return switch (this.kind) {
				case STRING -> (node.isString() || node.isNumber() || node.isBoolean()) ? node.asString() : MISMATCH;
				case INT, PRIMITIVE_INT -> (node.isNumber() && isWhole(node) && node.canConvertToInt())
						? (Object) node.intValue() : MISMATCH;
				case LONG -> (node.isNumber() && isWhole(node) && node.canConvertToLong()) ? (Object) node.longValue()
						: MISMATCH;
				case DOUBLE -> node.isNumber() ? (Object) node.doubleValue() : MISMATCH;
				case BOOLEAN -> node.isBoolean() ? (Object) node.booleanValue() : MISMATCH;
				case JSON -> node;
				case CONTENT -> readContent(node);
				case RECORD -> readRecord(SHAPES.get(Objects.requireNonNull(this.recordType)), node);
				case STRING_LIST -> stringList(node);
				case RECORD_LIST -> readRecordList(Objects.requireNonNull(this.recordType), node);
			};
		}

		/**
		 * The typed value read straight from the parser when the value has the JSON type that binds exactly (the
		 * parser then stands at its last token), a {@link Fallback}, or {@link #NOT_FAST} having read nothing.
		 */
		Object readFast(JsonParser parser, JsonToken token, DeserializationContext context) {
			return switch (this.kind) {
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
				case CONTENT -> readContentFast(parser, token, context);
				case RECORD -> (token == JsonToken.START_OBJECT)
						? readRecord(SHAPES.get(Objects.requireNonNull(this.recordType)), parser, context) : NOT_FAST;
				case STRING_LIST -> (token == JsonToken.START_ARRAY) ? readStringList(parser, context) : NOT_FAST;
				case RECORD_LIST -> (token == JsonToken.START_ARRAY)
						? readRecordList(SHAPES.get(Objects.requireNonNull(this.recordType)), parser, context)
						: NOT_FAST;
				case JSON -> NOT_FAST;
			};
		}

		private static Object readContentFast(JsonParser parser, JsonToken token, DeserializationContext context) {
			if (token == JsonToken.VALUE_STRING) {
				return new MessageContent.Text(parser.getString());
			}
			if (token != JsonToken.START_ARRAY) {
				return NOT_FAST;
			}
			Object parts = readRecordList(SHAPES.get(ContentPart.class), parser, context);
			return (parts instanceof Fallback) ? parts : new MessageContent.Parts(castList(parts));
		}

		/** Whether writing the typed value of a non-null JSON value gives that JSON value back. */
		boolean isExact(JsonNode node) {
			return switch (this.kind) {
				case STRING -> node.isString();
				case INT, PRIMITIVE_INT, LONG -> node.isIntegralNumber();
				case DOUBLE -> node.isDouble();
				case STRING_LIST -> node.isArray();
				default -> true;
			};
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

		private static Kind kindOf(Class<?> owner, Class<?> type, @Nullable Class<?> element) {
			if (type == String.class) {
				return Kind.STRING;
			}
			if (type == int.class) {
				return Kind.PRIMITIVE_INT;
			}
			if (type == Integer.class) {
				return Kind.INT;
			}
			if (type == Long.class) {
				return Kind.LONG;
			}
			if (type == Double.class) {
				return Kind.DOUBLE;
			}
			if (type == Boolean.class) {
				return Kind.BOOLEAN;
			}
			if (type == JsonNode.class) {
				return Kind.JSON;
			}
			if (type == MessageContent.class) {
				return Kind.CONTENT;
			}
			if (type.isRecord()) {
				return Kind.RECORD;
			}
			if (element == String.class) {
				return Kind.STRING_LIST;
			}
			if (element != null && element.isRecord()) {
				return Kind.RECORD_LIST;
			}
			throw new IllegalStateException("Unsupported component type " + type + " in " + owner.getName());
		}

		private static @Nullable Class<?> elementType(Class<?> owner, Type type) {
			if (type instanceof ParameterizedType parameterized
					&& parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
				return element;
			}
			throw new IllegalStateException("Unsupported list type " + type + " in " + owner.getName());
		}

		private static String snakeCase(String name) {
			StringBuilder snake = new StringBuilder(name.length() + 4);
			for (int i = 0; i < name.length(); i++) {
				char c = name.charAt(i);
				if (Character.isUpperCase(c)) {
					snake.append('_').append(Character.toLowerCase(c));
				}
				else {
					snake.append(c);
				}
			}
			return snake.toString();
		}

	}

	/** Jackson serializer for the wire types (named by their {@code @JsonSerialize}). */
	static final class Serializer extends ValueSerializer<Object> {

		@Override
		public void serialize(Object value, JsonGenerator gen, SerializationContext context) throws JacksonException {
			write(value, gen);
		}

	}

	/** Jackson deserializer for the wire types (named by their {@code @JsonDeserialize}). */
	static final class Deserializer extends ValueDeserializer<Object> {

		private final @Nullable Class<?> type;

		Deserializer() {
			this(null);
		}

		private Deserializer(@Nullable Class<?> type) {
			this.type = type;
		}

		@Override
		public ValueDeserializer<?> createContextual(DeserializationContext context, @Nullable BeanProperty property) {
			JavaType contextual = context.getContextualType();
			return (contextual != null) ? new Deserializer(contextual.getRawClass()) : this;
		}

		@Override
		public Object deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
			Class<?> target = Objects.requireNonNull(this.type, "contextual type");
			JsonNode node = treeRoot(parser);
			if (node != null) {
				parser.skipChildren();
			}
			else if (target != MessageContent.class && parser.hasToken(JsonToken.START_OBJECT)) {
				return readRecord(SHAPES.get(target), parser, context);
			}
			else {
				node = context.readTree(parser);
			}
			try {
				return read(target, node);
			}
			catch (IllegalArgumentException ex) {
				return context.reportInputMismatch(target, "%s", ex.getMessage());
			}
		}

		/**
		 * The tree a {@code treeToValue} walks, when the parser stands at its root object. Binding from it directly
		 * saves copying the tree node by node; the records copy every node they keep, so they share nothing with it.
		 */
		private static @Nullable JsonNode treeRoot(JsonParser parser) {
			if (parser instanceof TreeTraversingParser tree && parser.hasToken(JsonToken.START_OBJECT)) {
				TokenStreamContext parent = parser.streamReadContext().getParent();
				JsonNode source = tree.streamReadInputSource();
				if (parent != null && parent.inRoot() && source.isObject()) {
					return source;
				}
			}
			return null;
		}

	}

}
