package io.echo.llm.chat;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One element of a chunk's {@code choices}: the delta of choice {@code index} and, on its last chunk, why it ended.
 *
 * @param index the choice index (several with {@code n > 1})
 * @param delta what this chunk adds to the message
 * @param finishReason {@code "stop"}, {@code "length"}, {@code "tool_calls"}, {@code "content_filter"}, or
 * {@code null} while the choice goes on
 * @param logprobs the {@code logprobs} object, if requested
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ChunkChoice(int index, @Nullable Delta delta,
		@JsonProperty("finish_reason") @Nullable String finishReason,
		@Nullable JsonNode logprobs, Map<String, JsonNode> extra) {

	/**
	 * Creates a choice.
	 * @param index the choice index
	 * @param delta the delta
	 * @param finishReason the finish reason
	 * @param logprobs the logprobs object
	 * @param extra other fields
	 */
	public ChunkChoice {
		logprobs = WireValues.copy(logprobs);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a choice with a delta and a finish reason.
	 * @param index the choice index
	 * @param delta the delta
	 * @param finishReason the finish reason
	 * @return the choice
	 */
	public static ChunkChoice of(int index, @Nullable Delta delta, @Nullable String finishReason) {
		return new ChunkChoice(index, delta, finishReason, null, Map.of());
	}

	/**
	 * Returns the {@code logprobs} object.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode logprobs() {
		return WireValues.copy(this.logprobs);
	}

	/**
	 * Returns the extra fields without a copy, for code that reads them on every chunk (the streaming engine);
	 * {@link #extra()} returns a copy.
	 * @return the fields, unmodifiable; their nodes are this choice's own and must not be changed
	 */
	public Map<String, JsonNode> extraAsRead() {
		return this.extra;
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
