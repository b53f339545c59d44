package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields of a {@link ChatCompletionRequest.Builder} while it is being filled in, and the copies between them and
 * a request; kept out of the public file so that it shows only the API. Owned by its one builder and, like it,
 * confined to the thread that uses it.
 */
final class RequestDraft {

	@Nullable String model;

	final List<ChatMessage> messages = new ArrayList<>();

	@Nullable Double temperature;

	@Nullable Double topP;

	@Nullable Integer n;

	@Nullable Boolean stream;

	@Nullable StreamOptions streamOptions;

	@Nullable List<String> stop;

	@Nullable Integer maxTokens;

	@Nullable Integer maxCompletionTokens;

	@Nullable Double presencePenalty;

	@Nullable Double frequencyPenalty;

	@Nullable JsonNode logitBias;

	@Nullable Boolean logprobs;

	@Nullable Integer topLogprobs;

	@Nullable String user;

	@Nullable Long seed;

	@Nullable List<Tool> tools;

	@Nullable JsonNode toolChoice;

	@Nullable Boolean parallelToolCalls;

	@Nullable ResponseFormat responseFormat;

	@Nullable String reasoningEffort;

	final Map<String, JsonNode> extra = new LinkedHashMap<>();

	RequestDraft() {
	}

	/** A draft holding the request's values; the request's lists and nodes are immutable or copied on the way. */
	RequestDraft(ChatCompletionRequest request) {
		this.model = request.model();
		this.messages.addAll(request.messages());
		this.temperature = request.temperature();
		this.topP = request.topP();
		this.n = request.n();
		this.stream = request.stream();
		this.streamOptions = request.streamOptions();
		this.stop = request.stop();
		this.maxTokens = request.maxTokens();
		this.maxCompletionTokens = request.maxCompletionTokens();
		this.presencePenalty = request.presencePenalty();
		this.frequencyPenalty = request.frequencyPenalty();
		this.logitBias = request.logitBias();
		this.logprobs = request.logprobs();
		this.topLogprobs = request.topLogprobs();
		this.user = request.user();
		this.seed = request.seed();
		this.tools = request.tools();
		this.toolChoice = request.toolChoice();
		this.parallelToolCalls = request.parallelToolCalls();
		this.responseFormat = request.responseFormat();
		this.reasoningEffort = request.reasoningEffort();
		this.extra.putAll(request.extra());
	}

	/** A request of the current values; the request copies what it keeps, so the draft can go on changing. */
	ChatCompletionRequest toRequest() {
		return new ChatCompletionRequest(this.model, this.messages, this.temperature, this.topP, this.n, this.stream,
				this.streamOptions, this.stop, this.maxTokens, this.maxCompletionTokens, this.presencePenalty,
				this.frequencyPenalty, this.logitBias, this.logprobs, this.topLogprobs, this.user, this.seed,
				this.tools, this.toolChoice, this.parallelToolCalls, this.responseFormat, this.reasoningEffort,
				this.extra);
	}

}
