package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
	 * Creates a request; prefer {@link #builder()}.
	 * @param model see the record description
	 * @param messages see the record description
	 * @param temperature see the record description
	 * @param topP see the record description
	 * @param n see the record description
	 * @param stream see the record description
	 * @param streamOptions see the record description
	 * @param stop see the record description
	 * @param maxTokens see the record description
	 * @param maxCompletionTokens see the record description
	 * @param presencePenalty see the record description
	 * @param frequencyPenalty see the record description
	 * @param logitBias see the record description
	 * @param logprobs see the record description
	 * @param topLogprobs see the record description
	 * @param user see the record description
	 * @param seed see the record description
	 * @param tools see the record description
	 * @param toolChoice see the record description
	 * @param parallelToolCalls see the record description
	 * @param responseFormat see the record description
	 * @param reasoningEffort see the record description
	 * @param extra other fields
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

	@Override
	public Map<String, JsonNode> extra() {
		return WireValues.copyExtra(this.extra);
	}

	/**
	 * Builds a {@link ChatCompletionRequest}. Not thread-safe; {@link #build()} may be called more than once.
	 */
	public static final class Builder {

		private @Nullable String model;

		private @Nullable Double temperature;

		private @Nullable Double topP;

		private @Nullable Integer n;

		private @Nullable Boolean stream;

		private @Nullable StreamOptions streamOptions;

		private @Nullable Integer maxTokens;

		private @Nullable Integer maxCompletionTokens;

		private @Nullable Double presencePenalty;

		private @Nullable Double frequencyPenalty;

		private @Nullable JsonNode logitBias;

		private @Nullable Boolean logprobs;

		private @Nullable Integer topLogprobs;

		private @Nullable String user;

		private @Nullable Long seed;

		private @Nullable JsonNode toolChoice;

		private @Nullable Boolean parallelToolCalls;

		private @Nullable ResponseFormat responseFormat;

		private @Nullable String reasoningEffort;

		private final List<ChatMessage> messages = new ArrayList<>();

		private @Nullable List<String> stop;

		private @Nullable List<Tool> tools;

		private final Map<String, JsonNode> extra = new LinkedHashMap<>();

		private Builder() {
		}

		private Builder(ChatCompletionRequest request) {
			this.model = request.model;
			this.messages.addAll(request.messages());
			this.temperature = request.temperature;
			this.topP = request.topP;
			this.n = request.n;
			this.stream = request.stream;
			this.streamOptions = request.streamOptions;
			this.stop = request.stop;
			this.maxTokens = request.maxTokens;
			this.maxCompletionTokens = request.maxCompletionTokens;
			this.presencePenalty = request.presencePenalty;
			this.frequencyPenalty = request.frequencyPenalty;
			this.logitBias = request.logitBias;
			this.logprobs = request.logprobs;
			this.topLogprobs = request.topLogprobs;
			this.user = request.user;
			this.seed = request.seed;
			this.tools = request.tools;
			this.toolChoice = request.toolChoice;
			this.parallelToolCalls = request.parallelToolCalls;
			this.responseFormat = request.responseFormat;
			this.reasoningEffort = request.reasoningEffort;
			this.extra.putAll(request.extra);
		}

		/**
		 * Sets the model field.
		 * @param model the model to use, such as {@code "gpt-4o-mini"}, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder model(@Nullable String model) {
			this.model = model;
			return this;
		}

		/**
		 * Replaces the messages.
		 * @param messages the conversation so far
		 * @return this builder
		 */
		public Builder messages(List<ChatMessage> messages) {
			this.messages.clear();
			messages.forEach(this::message);
			return this;
		}

		/**
		 * Adds a message.
		 * @param message the message
		 * @return this builder
		 */
		public Builder message(ChatMessage message) {
			this.messages.add(Objects.requireNonNull(message, "message"));
			return this;
		}

		/**
		 * Sets the temperature field.
		 * @param temperature sampling temperature, 0 to 2, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder temperature(@Nullable Double temperature) {
			this.temperature = temperature;
			return this;
		}

		/**
		 * Sets the topP field.
		 * @param topP nucleus sampling probability mass ({@code top_p}), or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder topP(@Nullable Double topP) {
			this.topP = topP;
			return this;
		}

		/**
		 * Sets the n field.
		 * @param n how many choices to generate, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder n(@Nullable Integer n) {
			this.n = n;
			return this;
		}

		/**
		 * Sets the stream field.
		 * @param stream whether to stream the answer as server-sent events, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder stream(@Nullable Boolean stream) {
			this.stream = stream;
			return this;
		}

		/**
		 * Sets the streamOptions field.
		 * @param streamOptions options of a streamed answer ({@code stream_options}), or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder streamOptions(@Nullable StreamOptions streamOptions) {
			this.streamOptions = streamOptions;
			return this;
		}

		/**
		 * Sets the stop sequences.
		 * @param stop sequences where generation stops
		 * @return this builder
		 */
		public Builder stop(String... stop) {
			this.stop = List.of(stop);
			return this;
		}

		/**
		 * Sets the maxTokens field.
		 * @param maxTokens the most tokens to generate ({@code max_tokens}, older providers), or {@code null} to leave
		 * it out
		 * @return this builder
		 */
		public Builder maxTokens(@Nullable Integer maxTokens) {
			this.maxTokens = maxTokens;
			return this;
		}

		/**
		 * Sets the maxCompletionTokens field.
		 * @param maxCompletionTokens the most tokens to generate, reasoning included ({@code max_completion_tokens}),
		 * or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder maxCompletionTokens(@Nullable Integer maxCompletionTokens) {
			this.maxCompletionTokens = maxCompletionTokens;
			return this;
		}

		/**
		 * Sets the presencePenalty field.
		 * @param presencePenalty presence penalty, -2 to 2, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder presencePenalty(@Nullable Double presencePenalty) {
			this.presencePenalty = presencePenalty;
			return this;
		}

		/**
		 * Sets the frequencyPenalty field.
		 * @param frequencyPenalty frequency penalty, -2 to 2, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
			this.frequencyPenalty = frequencyPenalty;
			return this;
		}

		/**
		 * Sets the logitBias field.
		 * @param logitBias token id to bias ({@code logit_bias}), or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder logitBias(@Nullable JsonNode logitBias) {
			this.logitBias = WireValues.copy(logitBias);
			return this;
		}

		/**
		 * Sets the logprobs field.
		 * @param logprobs whether to return log probabilities, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder logprobs(@Nullable Boolean logprobs) {
			this.logprobs = logprobs;
			return this;
		}

		/**
		 * Sets the topLogprobs field.
		 * @param topLogprobs how many most likely tokens to return per position ({@code top_logprobs}), or {@code null}
		 * to leave it out
		 * @return this builder
		 */
		public Builder topLogprobs(@Nullable Integer topLogprobs) {
			this.topLogprobs = topLogprobs;
			return this;
		}

		/**
		 * Sets the user field.
		 * @param user a stable end-user identifier for abuse monitoring, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder user(@Nullable String user) {
			this.user = user;
			return this;
		}

		/**
		 * Sets the seed field.
		 * @param seed a seed for best-effort deterministic sampling, or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder seed(@Nullable Long seed) {
			this.seed = seed;
			return this;
		}

		/**
		 * Sets the tools the model may call.
		 * @param tools the tools, or {@code null} for none
		 * @return this builder
		 */
		public Builder tools(@Nullable List<Tool> tools) {
			this.tools = (tools != null) ? List.copyOf(tools) : null;
			return this;
		}

		/**
		 * Sets the {@code tool_choice}: {@code "auto"}, {@code "none"} or {@code "required"}.
		 * @param toolChoice the choice, or {@code null} for the provider's default
		 * @return this builder
		 */
		public Builder toolChoice(@Nullable String toolChoice) {
			this.toolChoice = (toolChoice != null) ? JsonNodeFactory.instance.stringNode(toolChoice) : null;
			return this;
		}

		/**
		 * Sets the {@code tool_choice} as JSON, for example {@code {"type":"function","function":{"name":"f"}}}.
		 * @param toolChoice the choice, or {@code null} for the provider's default
		 * @return this builder
		 */
		public Builder toolChoice(@Nullable JsonNode toolChoice) {
			this.toolChoice = WireValues.copy(toolChoice);
			return this;
		}

		/**
		 * Sets the parallelToolCalls field.
		 * @param parallelToolCalls whether the model may call several tools at once ({@code parallel_tool_calls}), or
		 * {@code null} to leave it out
		 * @return this builder
		 */
		public Builder parallelToolCalls(@Nullable Boolean parallelToolCalls) {
			this.parallelToolCalls = parallelToolCalls;
			return this;
		}

		/**
		 * Sets the responseFormat field.
		 * @param responseFormat text, JSON mode or a JSON schema ({@code response_format}), or {@code null} to leave it
		 * out
		 * @return this builder
		 */
		public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
			this.responseFormat = responseFormat;
			return this;
		}

		/**
		 * Sets the reasoningEffort field.
		 * @param reasoningEffort {@code "minimal"}, {@code "low"}, {@code "medium"} or {@code "high"} for reasoning
		 * models ({@code reasoning_effort}), or {@code null} to leave it out
		 * @return this builder
		 */
		public Builder reasoningEffort(@Nullable String reasoningEffort) {
			this.reasoningEffort = reasoningEffort;
			return this;
		}

		/**
		 * Sets a field this type does not model, such as a provider extension ({@code "top_k"}, OpenRouter's
		 * {@code "provider"}); {@code null} removes it. A modelled field (such as {@code "temperature"}) is set with
		 * its own method: an extra of that name is not sent.
		 * @param name the JSON field name
		 * @param value a {@link JsonNode}, a string, or any value Jackson can write
		 * @return this builder
		 */
		public Builder extra(String name, @Nullable Object value) {
			Objects.requireNonNull(name, "name");
			if (value == null) {
				this.extra.remove(name);
			}
			else {
				this.extra.put(name, WireValues.toNode(value));
			}
			return this;
		}

		/**
		 * Builds the request.
		 * @return the request
		 */
		public ChatCompletionRequest build() {
			return new ChatCompletionRequest(this.model, this.messages, this.temperature, this.topP, this.n,
					this.stream, this.streamOptions, this.stop, this.maxTokens, this.maxCompletionTokens,
					this.presencePenalty, this.frequencyPenalty, this.logitBias, this.logprobs, this.topLogprobs,
					this.user, this.seed, this.tools, this.toolChoice, this.parallelToolCalls, this.responseFormat,
					this.reasoningEffort, this.extra);
		}

	}

}
