package io.echo.llm.internal;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns one server-sent event into what the stream does with it: hand out a chunk, end at {@code [DONE]}, fail with
 * the provider's error (after the chunk it rode on, when that carried anything), or skip data that is not a chunk.
 * Each event is parsed once into a JSON tree: control decisions (errors, finish reasons) are read from it, so they do
 * not depend on how the wire types map a provider's quirks, and the chunk is bound from the same tree.
 */
final class ChunkDecoder {

	private static final Logger logger = LoggerFactory.getLogger(ChunkDecoder.class);

	private static final int MAX_LOGGED = 500;

	private ChunkDecoder() {
	}

	static Decoded decode(SseEvent event) {
		String data = event.data();
		if ("error".equals(event.event())) {
			return new Decoded(null, ProviderErrors.streamError(data), false, List.of());
		}
		String trimmed = data.strip();
		if (trimmed.equals("[DONE]")) {
			return Decoded.DONE;
		}
		JsonNode tree = readTree(trimmed);
		if (tree == null || !tree.isObject()) {
			skip("data that is not a JSON object", trimmed);
			return Decoded.SKIP;
		}
		JsonNode error = tree.get("error");
		boolean hasError = error != null && !error.isNull();
		boolean chunkLike = tree.has("choices") || tree.has("usage");
		if (!hasError && !chunkLike) {
			skip("JSON that is not a chunk", trimmed);
			return Decoded.SKIP;
		}
		// A chunk that reports an error is still handed out first when it carries choices or usage.
		ChatCompletionChunk chunk = (!hasError || carriesSomething(tree)) ? toChunk(tree, trimmed) : null;
		LlmStreamErrorException failure = null;
		if (hasError) {
			failure = error.isObject() ? ProviderErrors.streamError(error) : ProviderErrors.streamError(trimmed);
		}
		else if (chunk == null) {
			return Decoded.SKIP;
		}
		return new Decoded(chunk, failure, false, finishedChoices(tree));
	}

	/** A chunk worth handing out: it has choices or usage (an error object alone is not). */
	private static boolean carriesSomething(JsonNode tree) {
		JsonNode choices = tree.get("choices");
		JsonNode usage = tree.get("usage");
		return (choices != null && choices.isArray() && !choices.isEmpty()) || (usage != null && usage.isObject());
	}

	private static List<ChoiceEnd> finishedChoices(JsonNode tree) {
		JsonNode choices = tree.get("choices");
		if (choices == null || !choices.isArray()) {
			return List.of();
		}
		List<ChoiceEnd> ends = new ArrayList<>(choices.size());
		for (JsonNode choice : choices) {
			JsonNode index = choice.get("index");
			JsonNode finish = choice.get("finish_reason");
			int i = (index != null && index.canConvertToInt()) ? index.intValue() : 0;
			boolean finished = finish != null && finish.isString() && !finish.stringValue().isEmpty();
			ends.add(new ChoiceEnd(i, finished));
		}
		return ends;
	}

	private static @Nullable ChatCompletionChunk toChunk(JsonNode tree, String data) {
		try {
			// Binds this tree as it is, without reading it into a second one (see WireCodec.Deserializer).
			return ChatJson.mapper().treeToValue(tree, ChatCompletionChunk.class);
		}
		catch (JacksonException ex) {
			skip("JSON that does not map to a chunk (" + ex.getOriginalMessage() + ")", data);
			return null;
		}
	}

	private static @Nullable JsonNode readTree(String data) {
		if (data.isEmpty()) {
			return null;
		}
		try {
			return ChatJson.mapper().readTree(data);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static void skip(String what, String data) {
		logger.debug("Skipped an event carrying {}", what);
		if (logger.isTraceEnabled()) {
			logger.trace("Skipped event data: {}", Texts.abbreviate(data, MAX_LOGGED));
		}
	}

	/**
	 * Whether a choice index was seen and ended with a finish reason.
	 *
	 * @param index the choice index
	 * @param finished whether it carried a finish reason
	 */
	record ChoiceEnd(int index, boolean finished) {
	}

	/**
	 * What one event means.
	 *
	 * @param chunk chunk to hand out, or {@code null}
	 * @param error provider error to throw after the chunk, or {@code null}
	 * @param done whether the event was {@code [DONE]}
	 * @param choices the choices the chunk touched and whether each finished
	 */
	record Decoded(@Nullable ChatCompletionChunk chunk, @Nullable LlmStreamErrorException error, boolean done,
			List<ChoiceEnd> choices) {

		static final Decoded DONE = new Decoded(null, null, true, List.of());

		static final Decoded SKIP = new Decoded(null, null, false, List.of());

	}

}
