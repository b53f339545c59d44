package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code function} object of a {@link Tool}: what the model may call.
 *
 * @param name the function name
 * @param description what the function does, for the model
 * @param parameters the JSON Schema of the arguments object
 * @param strict whether the model must follow the schema exactly (OpenAI structured outputs)
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record FunctionDefinition(@Nullable String name, @Nullable String description, @Nullable JsonNode parameters,
		@Nullable Boolean strict, Map<String, JsonNode> extra) {

	/**
	 * Creates a function definition.
	 * @param name the function name
	 * @param description what the function does
	 * @param parameters the JSON Schema of the arguments
	 * @param strict whether the schema is strict
	 * @param extra other fields
	 */
	public FunctionDefinition {
		parameters = WireValues.copy(parameters);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Returns the JSON Schema of the arguments.
	 * @return a copy of the schema, or {@code null}
	 */
	@Override
	public @Nullable JsonNode parameters() {
		return WireValues.copy(this.parameters);
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
