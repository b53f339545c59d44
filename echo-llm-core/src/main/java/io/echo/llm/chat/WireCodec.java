package io.echo.llm.chat;

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
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
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
 * <p>
 * The work is split by job over package-private classes without mutable state: {@link WireShape} and
 * {@link WireComponent} (what the codec knows of a record type, built once per type), {@link WireParserReader} (the
 * decoder's hot path, straight from tokens), {@link WireTreeReader} (from a tree, and the judging of a value all paths
 * share), {@link WireWriter}, and {@link WireValues} (the copies the records' constructors and accessors make). This
 * class holds the two Jackson entry points the records name.
 */
final class WireCodec {

	private WireCodec() {
	}

	/** Jackson serializer for the wire types (named by their {@code @JsonSerialize}). */
	static final class Serializer extends ValueSerializer<Object> {

		@Override
		public void serialize(Object value, JsonGenerator gen, SerializationContext context) throws JacksonException {
			WireWriter.write(value, gen);
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
				return WireParserReader.readRecord(WireShape.of(target), parser, context);
			}
			else {
				node = context.readTree(parser);
			}
			try {
				return WireTreeReader.read(target, node);
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
