package io.echo.llm.chat;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code usage} object: token counts of a call. Streams send it on the last chunk (OpenAI's
 * {@code stream_options.include_usage}), on the finish chunk (Mistral, DeepSeek) or on every chunk (vLLM's continuous
 * usage); provider additions such as OpenRouter's {@code cost} or Groq's {@code queue_time} stay in {@link #extra()}.
 *
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens of the completion, reasoning included
 * @param totalTokens prompt and completion tokens
 * @param promptTokensDetails the {@code prompt_tokens_details} object, such as {@code {"cached_tokens":0}}
 * @param completionTokensDetails the {@code completion_tokens_details} object, such as {@code {"reasoning_tokens":198}}
 * @param extra fields this type does not model, written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable Integer totalTokens,
		@Nullable JsonNode promptTokensDetails, @Nullable JsonNode completionTokensDetails,
		Map<String, JsonNode> extra) {

	/**
	 * Creates a usage object.
	 * @param promptTokens tokens of the prompt
	 * @param completionTokens tokens of the completion
	 * @param totalTokens all tokens
	 * @param promptTokensDetails details of the prompt tokens
	 * @param completionTokensDetails details of the completion tokens
	 * @param extra other fields
	 */
	public Usage {
		promptTokensDetails = WireValues.copy(promptTokensDetails);
		completionTokensDetails = WireValues.copy(completionTokensDetails);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Creates a usage object with the three counts only.
	 * @param promptTokens tokens of the prompt
	 * @param completionTokens tokens of the completion
	 * @param totalTokens all tokens
	 * @return the usage
	 */
	public static Usage of(int promptTokens, int completionTokens, int totalTokens) {
		return new Usage(promptTokens, completionTokens, totalTokens, null, null, Map.of());
	}

	/**
	 * Returns the reasoning tokens ({@code completion_tokens_details.reasoning_tokens}).
	 * @return the count, or {@code null} when the provider sent none
	 */
	public @Nullable Integer reasoningTokens() {
		return WireValues.intField(this.completionTokensDetails, "reasoning_tokens");
	}

	/**
	 * Returns the prompt tokens served from the provider's cache ({@code prompt_tokens_details.cached_tokens}).
	 * @return the count, or {@code null} when the provider sent none
	 */
	public @Nullable Integer cachedTokens() {
		return WireValues.intField(this.promptTokensDetails, "cached_tokens");
	}

	/**
	 * Returns the {@code prompt_tokens_details} object.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode promptTokensDetails() {
		return WireValues.copy(this.promptTokensDetails);
	}

	/**
	 * Returns the {@code completion_tokens_details} object.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode completionTokensDetails() {
		return WireValues.copy(this.completionTokensDetails);
	}

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

}
