package io.echo.llm.chat;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A tool the model may call, sent in {@link ChatCompletionRequest#tools()}.
 * <pre>{@code
 * Tool weather = Tool.function("get_weather", "Current weather of a city",
 *         ChatJson.mapper().readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
 * }</pre>
 *
 * @param type the tool type, {@code "function"}
 * @param function the function definition
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record Tool(@Nullable String type, @Nullable FunctionDefinition function, Map<String, JsonNode> extra) {

	/**
	 * Creates a tool.
	 * @param type the tool type
	 * @param function the function definition
	 * @param extra other fields
	 */
	public Tool {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a function tool.
	 * @param name the function name
	 * @param description what the function does, for the model
	 * @param parameters the JSON Schema of the arguments object
	 * @return the tool
	 */
	public static Tool function(String name, @Nullable String description, @Nullable JsonNode parameters) {
		Objects.requireNonNull(name, "name");
		return new Tool(ToolCall.FUNCTION, new FunctionDefinition(name, description, parameters, null, Map.of()),
				Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
