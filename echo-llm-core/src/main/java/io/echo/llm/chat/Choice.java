package io.echo.llm.chat;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One choice of a {@link ChatCompletionResponse}: the whole message and why it ended.
 *
 * @param index the choice index
 * @param message the message
 * @param finishReason {@code "stop"}, {@code "length"}, {@code "tool_calls"}, {@code "content_filter"}, or
 * {@code null} when the stream ended without one
 * @param logprobs the {@code logprobs} object, if requested
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record Choice(int index, @Nullable ChatMessage message,
		@JsonProperty("finish_reason") @Nullable String finishReason, @Nullable JsonNode logprobs,
		Map<String, JsonNode> extra) {

	/**
	 * Creates a choice.
	 * @param index the choice index
	 * @param message the message
	 * @param finishReason the finish reason
	 * @param logprobs the logprobs object
	 * @param extra other fields
	 */
	public Choice {
		logprobs = WireValues.copy(logprobs);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a choice with a message and a finish reason.
	 * @param index the choice index
	 * @param message the message
	 * @param finishReason the finish reason
	 * @return the choice
	 */
	public static Choice of(int index, ChatMessage message, @Nullable String finishReason) {
		return new Choice(index, message, finishReason, null, Map.of());
	}

	/**
	 * Returns the {@code logprobs} object.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode logprobs() {
		return WireValues.copy(this.logprobs);
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
