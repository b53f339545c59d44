package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code function} object of a {@link ToolCall} or a {@link ToolCallDelta}: the function's name and its arguments
 * as a JSON text (in a delta, a fragment of it).
 *
 * @param name the function name
 * @param arguments the arguments as JSON text, or a fragment of it in a delta
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record FunctionCall(@Nullable String name, @Nullable String arguments, Map<String, JsonNode> extra) {

	/**
	 * Creates a function call.
	 * @param name the function name
	 * @param arguments the arguments as JSON text
	 * @param extra other fields
	 */
	public FunctionCall {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a function call.
	 * @param name the function name
	 * @param arguments the arguments as JSON text
	 * @return the function call
	 */
	public static FunctionCall of(@Nullable String name, @Nullable String arguments) {
		return new FunctionCall(name, arguments, Map.of());
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
