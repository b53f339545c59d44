package io.echo.llm.chat;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

import static io.echo.llm.chat.WireTreeReader.MISMATCH;

/**
 * Writes wire records: each component under its JSON name, or the original JSON kept in {@code extra} for it while
 * the typed value is still the one read from that original; then the extra fields no component owns. The rules are
 * those of {@link WireCodec}. Stateless.
 */
final class WireWriter {

	private WireWriter() {
	}

	/** Writes a wire record (or a {@link MessageContent}). */
	static void write(Object value, JsonGenerator gen) {
		if (value instanceof MessageContent content) {
			writeContent(content, gen);
			return;
		}
		WireShape shape = WireShape.of(value.getClass());
		Map<String, JsonNode> extra = shape.extra(value);
		gen.writeStartObject(value);
		for (WireComponent component : shape.components) {
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

	private static boolean writesOriginal(WireComponent component, JsonNode original, @Nullable Object typed) {
		// An explicit null or a value of the wrong type was read as the component's absent value.
		Object read = original.isNull() ? MISMATCH : WireTreeReader.convert(component, original);
		return Objects.equals((read == MISMATCH) ? component.absent() : read, typed);
	}

	private static void writeValue(WireComponent component, Object value, JsonGenerator gen) {
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

}
