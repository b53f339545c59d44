package io.echo.llm.chat;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code response_format} of a request: plain text, any JSON object, or JSON that follows a schema.
 *
 * @param type {@code "text"}, {@code "json_object"} or {@code "json_schema"}
 * @param jsonSchema for {@code "json_schema"}: {@code {"name":...,"schema":{...},"strict":true}}
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ResponseFormat(@Nullable String type, @JsonProperty("json_schema") @Nullable JsonNode jsonSchema,
		Map<String, JsonNode> extra) {

	/**
	 * Creates a response format.
	 * @param type the format type
	 * @param jsonSchema the schema object of a {@code json_schema} format
	 * @param extra other fields
	 */
	public ResponseFormat {
		jsonSchema = WireValues.copy(jsonSchema);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Plain text, the default.
	 * @return the format
	 */
	public static ResponseFormat text() {
		return new ResponseFormat("text", null, Map.of());
	}

	/**
	 * Any JSON object (JSON mode).
	 * @return the format
	 */
	public static ResponseFormat jsonObject() {
		return new ResponseFormat("json_object", null, Map.of());
	}

	/**
	 * JSON that follows the given schema, strictly.
	 * @param name a name for the schema
	 * @param schema the JSON Schema
	 * @return the format
	 */
	public static ResponseFormat jsonSchema(String name, JsonNode schema) {
		ObjectNode jsonSchema = JsonNodeFactory.instance.objectNode();
		jsonSchema.put("name", Objects.requireNonNull(name, "name"));
		jsonSchema.set("schema", Objects.requireNonNull(schema, "schema").deepCopy());
		jsonSchema.put("strict", true);
		return new ResponseFormat("json_schema", jsonSchema, Map.of());
	}

	/**
	 * Returns the schema object of a {@code json_schema} format.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode jsonSchema() {
		return WireValues.copy(this.jsonSchema);
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
