package io.echo.llm.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.echo.llm.chat.ApiError;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.ChunkChoice;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a streaming engine decides from a chunk as the provider sent it, whatever the typed view made of its quirks:
 * whether the event is a chunk at all, whether it reports an error, whether a choice finished. Each answer is the
 * one the chunk's JSON gives (a field present with any value, a {@code finish_reason} that is a non-empty string),
 * read from the fields as bound, without copying them (the records' no-copy accessors, as the chunk path must not
 * copy a map per chunk).
 */
final class ChunkSignals {

	private ChunkSignals() {
	}

	/** Whether the JSON had a {@code choices} or a {@code usage} field (with any value). */
	static boolean isChunk(ChatCompletionChunk chunk) {
		return chunk.choicesAsRead() != null || chunk.usage() != null
				|| chunk.extraAsRead().containsKey("choices") || chunk.extraAsRead().containsKey("usage");
	}

	/** Whether the chunk carries something to hand out: a choice, or a usage object. */
	static boolean carriesSomething(ChatCompletionChunk chunk) {
		List<ChunkChoice> choices = chunk.choicesAsRead();
		return (choices != null && !choices.isEmpty()) || chunk.usage() != null;
	}

	/** The JSON of the chunk's {@code error} field, or {@code null} when it is absent or {@code null}. */
	static @Nullable JsonNode error(ChatCompletionChunk chunk) {
		ApiError error = chunk.error();
		if (error != null) {
			return ChatJson.mapper().valueToTree(error);
		}
		JsonNode original = chunk.extraAsRead().get("error");
		return (original != null && !original.isNull()) ? original : null;
	}

	/**
	 * The chunk without its provider error (typed or extra), every other field as read: a chunk that is handed out
	 * before its error goes on as the (masked) exception must not carry the error text out with it.
	 * @param chunk the chunk
	 * @return the chunk without {@code error}
	 */
	static ChatCompletionChunk withoutError(ChatCompletionChunk chunk) {
		Map<String, JsonNode> extra = new LinkedHashMap<>(chunk.extraAsRead());
		extra.remove("error");
		// choicesAsRead(), not choices(): an absent or mistyped field stays absent, so its original is written back.
		return new ChatCompletionChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(),
				chunk.systemFingerprint(), chunk.choicesAsRead(), chunk.usage(), null, extra);
	}

	/** Whether the choice's {@code finish_reason} was a non-empty string. */
	static boolean finished(ChunkChoice choice) {
		String reason = choice.finishReason();
		// A finish_reason that was not a string is kept in extra, and its text is only a rendering of it.
		return reason != null && !reason.isEmpty() && !choice.extraAsRead().containsKey("finish_reason");
	}

}
