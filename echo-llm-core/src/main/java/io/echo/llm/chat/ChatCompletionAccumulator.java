package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Puts the chunks of a stream together into the {@link ChatCompletionResponse} a non-streaming call would have
 * returned.
 * <pre>{@code
 * ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
 * for (ChatCompletionChunk chunk : stream) {
 *     accumulator.add(chunk);
 * }
 * ChatCompletionResponse response = accumulator.result();
 * }</pre>
 * Per choice index it joins the content, reasoning and refusal pieces (in time linear in their total length) and
 * keeps the last finish reason. Tool-call pieces are merged by their {@code index}; a piece without an index is a whole
 * new call (Mistral, Ollama) unless it carries neither id nor name, in which case it continues the last call. An
 * empty-string id, type or name counts as absent; the first id, type and name of a call stay, arguments are appended.
 * Usage comes from the last chunk that carries it, whether or not that chunk also has choices; {@code error} objects
 * are collected in {@link #errors()}.
 * <p>
 * Not thread-safe: feed it from the thread that reads the stream.
 */
public final class ChatCompletionAccumulator {

	private final Map<Integer, ChoiceState> choices = new TreeMap<>();

	private final List<ApiError> errors = new ArrayList<>();

	private @Nullable String id;

	private @Nullable Long created;

	private @Nullable String model;

	private @Nullable String systemFingerprint;

	private @Nullable Usage usage;

	/**
	 * The choice the last chunk was for, and its index: a lookup in the sorted map (with a boxed index) per chunk
	 * showed in a stream's profile, and by index, not an iterator, for the same reason.
	 */
	private @Nullable ChoiceState lastChoice;

	private int lastIndex;

	/**
	 * Adds the next chunk of the stream.
	 * @param chunk the chunk
	 */
	public void add(ChatCompletionChunk chunk) {
		Objects.requireNonNull(chunk, "chunk");
		// Azure's first chunk (prompt filter results) has an empty id and model: take the first real ones.
		this.id = firstPresent(this.id, chunk.id());
		this.model = firstPresent(this.model, chunk.model());
		this.systemFingerprint = firstPresent(this.systemFingerprint, chunk.systemFingerprint());
		if (this.created == null) {
			this.created = chunk.created();
		}
		List<ChunkChoice> chunkChoices = chunk.choices();
		for (int i = 0; i < chunkChoices.size(); i++) {
			ChunkChoice choice = chunkChoices.get(i);
			choiceState(choice.index()).add(choice);
		}
		if (chunk.usage() != null) {
			this.usage = chunk.usage();
		}
		if (chunk.error() != null) {
			this.errors.add(chunk.error());
		}
	}

	/** The state of the choice with the given index: most chunks are for the same choice as the one before. */
	private ChoiceState choiceState(int index) {
		ChoiceState last = this.lastChoice;
		if (last != null && this.lastIndex == index) {
			return last;
		}
		ChoiceState state = this.choices.computeIfAbsent(index, (key) -> new ChoiceState());
		this.lastChoice = state;
		this.lastIndex = index;
		return state;
	}

	/**
	 * Returns what the chunks added so far amount to; may be called at any time, also more than once.
	 * @return the response, its choices in index order
	 */
	public ChatCompletionResponse result() {
		List<Choice> result = new ArrayList<>(this.choices.size());
		this.choices.forEach((index, state) -> result.add(state.toChoice(index)));
		return new ChatCompletionResponse(this.id, ChatCompletionResponse.OBJECT, this.created, this.model,
				this.systemFingerprint, result, this.usage, Map.of());
	}

	/**
	 * Returns the {@code error} objects the chunks carried, in order.
	 * @return the errors, empty when there were none
	 */
	public List<ApiError> errors() {
		return List.copyOf(this.errors);
	}

	private static boolean isPresent(@Nullable String value) {
		return value != null && !value.isEmpty();
	}

	private static @Nullable String firstPresent(@Nullable String current, @Nullable String next) {
		return isPresent(current) ? current : (isPresent(next) ? next : current);
	}

	private static @Nullable String textOrNull(StringBuilder text) {
		return (text.length() > 0) ? text.toString() : null;
	}

	/** What the chunks said so far about one choice. */
	private static final class ChoiceState {

		private final StringBuilder content = new StringBuilder();

		private final StringBuilder reasoning = new StringBuilder();

		private final StringBuilder refusal = new StringBuilder();

		private final List<ToolCallState> toolCalls = new ArrayList<>();

		private final Map<Integer, ToolCallState> toolCallsByIndex = new HashMap<>();

		private boolean sawContent;

		private @Nullable String role;

		private @Nullable String finishReason;

		void add(ChunkChoice choice) {
			Delta delta = choice.delta();
			if (delta != null) {
				add(delta);
			}
			if (choice.finishReason() != null) {
				this.finishReason = choice.finishReason();
			}
		}

		private void add(Delta delta) {
			this.role = firstPresent(this.role, delta.role());
			if (delta.content() != null) {
				this.sawContent = true;
				this.content.append(delta.text());
			}
			this.reasoning.append(delta.reasoningText());
			if (delta.refusal() != null) {
				this.refusal.append(delta.refusal());
			}
			for (ToolCallDelta toolCall : delta.toolCalls()) {
				toolCallFor(toolCall).add(toolCall);
			}
		}

		private ToolCallState toolCallFor(ToolCallDelta piece) {
			Integer index = piece.index();
			if (index == null) {
				boolean continuation = !isPresent(piece.id()) && !isPresent(piece.name());
				return (continuation && !this.toolCalls.isEmpty()) ? this.toolCalls.get(this.toolCalls.size() - 1)
						: newToolCall();
			}
			ToolCallState existing = this.toolCallsByIndex.get(index);
			// Some gateways send parallel calls all with index 0: a different id there starts a new call.
			if (existing == null || (isPresent(existing.id) && isPresent(piece.id())
					&& !existing.id.equals(piece.id()))) {
				existing = newToolCall();
				this.toolCallsByIndex.put(index, existing);
			}
			return existing;
		}

		private ToolCallState newToolCall() {
			ToolCallState toolCall = new ToolCallState();
			this.toolCalls.add(toolCall);
			return toolCall;
		}

		Choice toChoice(int index) {
			List<ToolCall> calls = this.toolCalls.stream().map(ToolCallState::toToolCall).toList();
			boolean textContent = this.content.length() > 0 || (this.sawContent && calls.isEmpty());
			MessageContent content = textContent ? MessageContent.of(this.content.toString()) : null;
			ChatMessage message = new ChatMessage((this.role != null) ? this.role : ChatMessage.ASSISTANT, content,
					null, calls.isEmpty() ? null : calls, null, textOrNull(this.refusal), textOrNull(this.reasoning),
					null, Map.of());
			return Choice.of(index, message, this.finishReason);
		}

	}

	/** What the pieces said so far about one tool call. */
	private static final class ToolCallState {

		private final StringBuilder arguments = new StringBuilder();

		private @Nullable String id;

		private @Nullable String type;

		private @Nullable String name;

		void add(ToolCallDelta piece) {
			this.id = firstPresent(this.id, piece.id());
			this.type = firstPresent(this.type, piece.type());
			this.name = firstPresent(this.name, piece.name());
			if (piece.arguments() != null) {
				this.arguments.append(piece.arguments());
			}
		}

		ToolCall toToolCall() {
			// Mistral sends no type; "function" is the only one, and needed when the call is sent back.
			String callType = isPresent(this.type) ? this.type : ToolCall.FUNCTION;
			return new ToolCall(this.id, callType, FunctionCall.of(this.name, this.arguments.toString()), Map.of());
		}

	}

}
