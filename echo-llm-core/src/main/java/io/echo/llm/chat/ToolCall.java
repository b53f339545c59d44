package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A complete tool call of an assistant {@link ChatMessage}:
 * {@code {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}}.
 *
 * @param id the call id, quoted by the {@link ChatMessage#tool(String, String) tool message} that answers it
 * @param type the call type, {@code "function"}
 * @param function the function and its arguments
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ToolCall(@Nullable String id, @Nullable String type, @Nullable FunctionCall function,
		Map<String, JsonNode> extra) {

	/** The type of a function call. */
	public static final String FUNCTION = "function";

	/**
	 * Creates a tool call.
	 * @param id the call id
	 * @param type the call type
	 * @param function the function and its arguments
	 * @param extra other fields
	 */
	public ToolCall {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a function call.
	 * @param id the call id
	 * @param name the function name
	 * @param arguments the arguments as JSON text
	 * @return the tool call
	 */
	public static ToolCall function(@Nullable String id, String name, String arguments) {
		return new ToolCall(id, FUNCTION, FunctionCall.of(name, arguments), Map.of());
	}

	/**
	 * Returns the function name.
	 * @return the name, or {@code null} when there is no function
	 */
	public @Nullable String name() {
		return (this.function != null) ? this.function.name() : null;
	}

	/**
	 * Returns the arguments as JSON text.
	 * @return the arguments, or {@code null} when there is no function
	 */
	public @Nullable String arguments() {
		return (this.function != null) ? this.function.arguments() : null;
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
