package io.echo.llm.chat;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One component of a wire record as the {@link WireCodec} sees it: its JSON name, its position in the canonical
 * constructor and the {@link Kind} of value it holds. Only metadata: how a kind is read and written lives in
 * {@link WireTreeReader}, {@link WireParserReader} and {@link WireWriter}, which switch on {@link #kind}. Immutable
 * but for the record shape it caches, shared by all threads through {@link WireShape}.
 */
final class WireComponent {

	/** What a component holds, and so how it is read and written. */
	enum Kind {

		STRING, INT, PRIMITIVE_INT, LONG, DOUBLE, BOOLEAN, JSON, CONTENT, RECORD, STRING_LIST, RECORD_LIST

	}

	final String jsonName;

	final int position;

	final Kind kind;

	/** The record type of a {@link Kind#RECORD} or the element type of a {@link Kind#RECORD_LIST}, else null. */
	final @Nullable Class<?> recordType;

	private final Field field;

	private @Nullable WireShape recordShape;

	WireComponent(Class<?> owner, RecordComponent component, int position) {
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

	/** The component's field of a record (the field, not the accessor, which may copy or default). */
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

	/** The shape of the component's record type, or of its list's element type. */
	WireShape recordShape() {
		// Looked up when first read rather than when this shape is built: building one shape builds no other. Then
		// kept, saving a ClassValue lookup per value; a race only looks it up twice (shapes are immutable).
		WireShape shape = this.recordShape;
		if (shape == null) {
			shape = WireShape.of(Objects.requireNonNull(this.recordType));
			this.recordShape = shape;
		}
		return shape;
	}

	static Field field(Class<?> type, String name) {
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
