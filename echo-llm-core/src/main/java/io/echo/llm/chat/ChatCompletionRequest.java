package io.echo.llm.chat;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The body of a {@code POST /chat/completions} call. Build it with {@link #builder()}; fields a provider accepts
 * beyond these go in {@link Builder#extra(String, Object)} and are sent as given.
 * <pre>{@code
 * ChatCompletionRequest request = ChatCompletionRequest.builder()
 *         .model("gpt-4o-mini")
 *         .message(ChatMessage.system("You are terse."))
 *         .message(ChatMessage.user("Name three primes."))
 *         .temperature(0.2)
 *         .build();
 * }</pre>
 * A request holds no credentials: the API key belongs to the {@code LlmStreamService} that sends it.
 *
 * @param model the model to use, such as {@code "gpt-4o-mini"}
 * @param messages the conversation so far
 * @param temperature sampling temperature, 0 to 2
 * @param topP nucleus sampling probability mass ({@code top_p})
 * @param n how many choices to generate
 * @param stream whether to stream the answer as server-sent events
 * @param streamOptions options of a streamed answer ({@code stream_options})
 * @param stop sequences where generation stops (a single string on the wire reads as a list of one)
 * @param maxTokens the most tokens to generate ({@code max_tokens}, older providers)
 * @param maxCompletionTokens the most tokens to generate, reasoning included ({@code max_completion_tokens})
 * @param presencePenalty presence penalty, -2 to 2
 * @param frequencyPenalty frequency penalty, -2 to 2
 * @param logitBias token id to bias ({@code logit_bias})
 * @param logprobs whether to return log probabilities
 * @param topLogprobs how many most likely tokens to return per position ({@code top_logprobs})
 * @param user a stable end-user identifier for abuse monitoring
 * @param seed a seed for best-effort deterministic sampling
 * @param tools the tools the model may call
 * @param toolChoice {@code "auto"}, {@code "none"}, {@code "required"} or an object naming a function
 * ({@code tool_choice})
 * @param parallelToolCalls whether the model may call several tools at once ({@code parallel_tool_calls})
 * @param responseFormat text, JSON mode or a JSON schema ({@code response_format})
 * @param reasoningEffort {@code "minimal"}, {@code "low"}, {@code "medium"} or {@code "high"} for reasoning models
 * ({@code reasoning_effort})
 * @param extra fields this type does not model, sent and written back unchanged (see {@link ChatJson})
 */
@JsonSerialize(using = WireCodec.Serializer.class)
@JsonDeserialize(using = WireCodec.Deserializer.class)
public record ChatCompletionRequest(@Nullable String model, @Nullable List<ChatMessage> messages,
		@Nullable Double temperature, @JsonProperty("top_p") @Nullable Double topP, @Nullable Integer n,
		@Nullable Boolean stream, @JsonProperty("stream_options") @Nullable StreamOptions streamOptions,
		@Nullable List<String> stop, @JsonProperty("max_tokens") @Nullable Integer maxTokens,
		@JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
		@JsonProperty("presence_penalty") @Nullable Double presencePenalty,
		@JsonProperty("frequency_penalty") @Nullable Double frequencyPenalty,
		@JsonProperty("logit_bias") @Nullable JsonNode logitBias, @Nullable Boolean logprobs,
		@JsonProperty("top_logprobs") @Nullable Integer topLogprobs, @Nullable String user, @Nullable Long seed,
		@Nullable List<Tool> tools, @JsonProperty("tool_choice") @Nullable JsonNode toolChoice,
		@JsonProperty("parallel_tool_calls") @Nullable Boolean parallelToolCalls,
		@JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
		@JsonProperty("reasoning_effort") @Nullable String reasoningEffort, Map<String, JsonNode> extra) {

	/**
	 * Creates a request from the components described above; prefer {@link #builder()}. Lists and JSON values are
	 * copied, so the request is immutable; {@code null} leaves a field out of the JSON.
	 */
	public ChatCompletionRequest {
		messages = WireValues.copyList(messages);
		stop = WireValues.copyList(stop);
		tools = WireValues.copyList(tools);
		logitBias = WireValues.copy(logitBias);
		toolChoice = WireValues.copy(toolChoice);
		extra = WireValues.copyExtra(extra);
	}

	/**
	 * Returns a builder for a new request.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a builder that starts from this request.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Returns a copy that names the given model.
	 * @param model the model
	 * @return the copy
	 */
	public ChatCompletionRequest withModel(@Nullable String model) {
		return toBuilder().model(model).build();
	}

	/**
	 * Returns a copy with {@code "stream"} set. A streaming copy also asks for usage
	 * ({@code stream_options.include_usage}) unless stream options are already set; a non-streaming copy drops the
	 * stream options, which OpenAI rejects without {@code "stream": true}.
	 * @param stream whether to stream
	 * @return the copy
	 */
	public ChatCompletionRequest withStream(boolean stream) {
		Builder builder = toBuilder().stream(stream);
		if (!stream) {
			builder.streamOptions(null);
		}
		else if (this.streamOptions == null) {
			builder.streamOptions(StreamOptions.includingUsage());
		}
		return builder.build();
	}

	/**
	 * Returns the messages.
	 * @return the messages, empty when there are none
	 */
	@Override
	public List<ChatMessage> messages() {
		return (this.messages != null) ? this.messages : List.of();
	}

	/**
	 * Returns the stop sequences.
	 * @return the sequences, or {@code null} when not set
	 */
	@Override
	public @Nullable List<String> stop() {
		return this.stop;
	}

	/**
	 * Returns the {@code logit_bias} object.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode logitBias() {
		return WireValues.copy(this.logitBias);
	}

	/**
	 * Returns the {@code tool_choice}.
	 * @return a copy of it, or {@code null}
	 */
	@Override
	public @Nullable JsonNode toolChoice() {
		return WireValues.copy(this.toolChoice);
	}

	/**
	 * Returns the fields this type does not model.
	 * @return a copy of them, in the order they were read or set
	 */
	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

	/**
	 * Builds a {@link ChatCompletionRequest}. Every setter returns this builder, and {@code null} leaves its field out
	 * of the JSON (the provider's default applies). Not thread-safe; {@link #build()} may be called more than once.
	 */
	public static final class Builder {

		private final RequestDraft draft;

		private Builder() {
			this.draft = new RequestDraft();
		}

		private Builder(ChatCompletionRequest request) {
			this.draft = new RequestDraft(request);
		}

		/** Sets the model to use, such as {@code "gpt-4o-mini"}. */
		public Builder model(@Nullable String model) {
			this.draft.model = model;
			return this;
		}

		/** Replaces the messages with the given conversation. */
		public Builder messages(List<ChatMessage> messages) {
			this.draft.messages.clear();
			messages.forEach(this::message);
			return this;
		}

		/** Adds a message at the end of the conversation. */
		public Builder message(ChatMessage message) {
			this.draft.messages.add(Objects.requireNonNull(message, "message"));
			return this;
		}

		/** Sets the sampling temperature, 0 to 2. */
		public Builder temperature(@Nullable Double temperature) {
			this.draft.temperature = temperature;
			return this;
		}

		/** Sets the nucleus sampling probability mass ({@code top_p}). */
		public Builder topP(@Nullable Double topP) {
			this.draft.topP = topP;
			return this;
		}

		/** Sets how many choices to generate. */
		public Builder n(@Nullable Integer n) {
			this.draft.n = n;
			return this;
		}

		/** Sets whether to stream the answer as server-sent events; see also {@link #withStream(boolean)}. */
		public Builder stream(@Nullable Boolean stream) {
			this.draft.stream = stream;
			return this;
		}

		/** Sets the options of a streamed answer ({@code stream_options}). */
		public Builder streamOptions(@Nullable StreamOptions streamOptions) {
			this.draft.streamOptions = streamOptions;
			return this;
		}

		/** Sets the sequences where generation stops. */
		public Builder stop(String... stop) {
			this.draft.stop = List.of(stop);
			return this;
		}

		/** Sets the most tokens to generate ({@code max_tokens}, older providers). */
		public Builder maxTokens(@Nullable Integer maxTokens) {
			this.draft.maxTokens = maxTokens;
			return this;
		}

		/** Sets the most tokens to generate, reasoning included ({@code max_completion_tokens}). */
		public Builder maxCompletionTokens(@Nullable Integer maxCompletionTokens) {
			this.draft.maxCompletionTokens = maxCompletionTokens;
			return this;
		}

		/** Sets the presence penalty, -2 to 2 ({@code presence_penalty}). */
		public Builder presencePenalty(@Nullable Double presencePenalty) {
			this.draft.presencePenalty = presencePenalty;
			return this;
		}

		/** Sets the frequency penalty, -2 to 2 ({@code frequency_penalty}). */
		public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
			this.draft.frequencyPenalty = frequencyPenalty;
			return this;
		}

		/** Sets the biases by token id ({@code logit_bias}); the node is copied. */
		public Builder logitBias(@Nullable JsonNode logitBias) {
			this.draft.logitBias = WireValues.copy(logitBias);
			return this;
		}

		/** Sets whether to return log probabilities. */
		public Builder logprobs(@Nullable Boolean logprobs) {
			this.draft.logprobs = logprobs;
			return this;
		}

		/** Sets how many most likely tokens to return per position ({@code top_logprobs}). */
		public Builder topLogprobs(@Nullable Integer topLogprobs) {
			this.draft.topLogprobs = topLogprobs;
			return this;
		}

		/** Sets a stable end-user identifier for abuse monitoring. */
		public Builder user(@Nullable String user) {
			this.draft.user = user;
			return this;
		}

		/** Sets a seed for best-effort deterministic sampling. */
		public Builder seed(@Nullable Long seed) {
			this.draft.seed = seed;
			return this;
		}

		/** Sets the tools the model may call; {@code null} for none. */
		public Builder tools(@Nullable List<Tool> tools) {
			this.draft.tools = (tools != null) ? List.copyOf(tools) : null;
			return this;
		}

		/** Sets the {@code tool_choice}: {@code "auto"}, {@code "none"} or {@code "required"}. */
		public Builder toolChoice(@Nullable String toolChoice) {
			this.draft.toolChoice = (toolChoice != null) ? JsonNodeFactory.instance.stringNode(toolChoice) : null;
			return this;
		}

		/**
		 * Sets the {@code tool_choice} as JSON, for example {@code {"type":"function","function":{"name":"f"}}}; the
		 * node is copied.
		 */
		public Builder toolChoice(@Nullable JsonNode toolChoice) {
			this.draft.toolChoice = WireValues.copy(toolChoice);
			return this;
		}

		/** Sets whether the model may call several tools at once ({@code parallel_tool_calls}). */
		public Builder parallelToolCalls(@Nullable Boolean parallelToolCalls) {
			this.draft.parallelToolCalls = parallelToolCalls;
			return this;
		}

		/** Sets text, JSON mode or a JSON schema as the answer's format ({@code response_format}). */
		public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
			this.draft.responseFormat = responseFormat;
			return this;
		}

		/**
		 * Sets {@code "minimal"}, {@code "low"}, {@code "medium"} or {@code "high"} for reasoning models
		 * ({@code reasoning_effort}).
		 */
		public Builder reasoningEffort(@Nullable String reasoningEffort) {
			this.draft.reasoningEffort = reasoningEffort;
			return this;
		}

		/**
		 * Sets a field this type does not model, such as a provider extension ({@code "top_k"}, OpenRouter's
		 * {@code "provider"}); {@code null} removes it. A modelled field (such as {@code "temperature"}) is set with
		 * its own method: an extra of that name is not sent.
		 * @param name the JSON field name
		 * @param value a {@link JsonNode} (copied), a string, or any value Jackson can write
		 * @return this builder
		 */
		public Builder extra(String name, @Nullable Object value) {
			Objects.requireNonNull(name, "name");
			if (value == null) {
				this.draft.extra.remove(name);
			}
			else {
				this.draft.extra.put(name, WireValues.toNode(value));
			}
			return this;
		}

		/**
		 * Builds the request; the builder can go on being changed without affecting it.
		 * @return the request
		 */
		public ChatCompletionRequest build() {
			return this.draft.toRequest();
		}

	}

}
