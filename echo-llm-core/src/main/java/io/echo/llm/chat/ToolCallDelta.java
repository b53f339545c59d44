package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A piece of a tool call in a streamed {@link Delta}. OpenAI sends the id and the name first and then fragments of
 * the arguments, all with the same {@code index}; others send whole calls, sometimes without an index (Mistral,
 * Ollama), or repeat the id, type and name as empty strings on follow-up pieces.
 * {@link ChatCompletionAccumulator} puts the pieces together.
 *
 * @param index the position of the call in the message, {@code null} when the provider sends none
 * @param id the call id, on the first piece
 * @param type the call type, {@code "function"}, on the first piece
 * @param function the function name (first piece) and a fragment of the arguments
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ToolCallDelta(@Nullable Integer index, @Nullable String id, @Nullable String type,
		@Nullable FunctionCall function, Map<String, JsonNode> extra) {

	/**
	 * Creates a tool-call piece.
	 * @param index the position of the call
	 * @param id the call id
	 * @param type the call type
	 * @param function the function name and an arguments fragment
	 * @param extra other fields
	 */
	public ToolCallDelta {
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a function-call piece.
	 * @param index the position of the call, or {@code null}
	 * @param id the call id, on the first piece
	 * @param name the function name, on the first piece
	 * @param arguments a fragment of the arguments
	 * @return the piece
	 */
	public static ToolCallDelta of(@Nullable Integer index, @Nullable String id, @Nullable String name,
			@Nullable String arguments) {
		String type = (id != null) ? ToolCall.FUNCTION : null;
		return new ToolCallDelta(index, id, type, FunctionCall.of(name, arguments), Map.of());
	}

	/**
	 * Returns the function name.
	 * @return the name, or {@code null} when this piece has none
	 */
	public @Nullable String name() {
		return (this.function != null) ? this.function.name() : null;
	}

	/**
	 * Returns the arguments fragment.
	 * @return the fragment, or {@code null} when this piece has none
	 */
	public @Nullable String arguments() {
		return (this.function != null) ? this.function.arguments() : null;
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
