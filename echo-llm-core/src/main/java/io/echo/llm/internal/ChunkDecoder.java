package io.echo.llm.internal;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Turns one server-sent event into what the stream does with it: hand out a chunk, end at {@code [DONE]}, fail with
 * the provider's error (after the chunk it rode on, when that carried anything), skip an event that is well-formed
 * JSON but not a chunk (or has empty data: a ping), or report data that cannot be decoded (malformed JSON, or beyond
 * Jackson's nesting, length or number limits), which the stream must not skip: content would be lost unseen.
 * Each event is bound once, straight from its text (no JSON tree in between); control decisions (errors, finish
 * reasons) are taken by {@link ChunkSignals} from the fields as the provider sent them, so they do not depend on how
 * the wire types map a provider's quirks.
 */
final class ChunkDecoder {

	private static final Logger logger = LoggerFactory.getLogger(ChunkDecoder.class);

	private static final int MAX_LOGGED = 500;

	// Resolved once: a mapper's readValue looks up the type and its deserializer on every call.
	private static final ObjectReader CHUNK_READER = ChatJson.mapper().readerFor(ChatCompletionChunk.class);

	private ChunkDecoder() {
	}

	/** Decodes an event of a service without credentials. */
	static Decoded decode(SseEvent event) {
		return decode(event, Secrets.NONE);
	}

	/** Decodes an event; whatever the provider's error says, and whatever is logged, has the secrets masked. */
	static Decoded decode(SseEvent event, Secrets secrets) {
		String data = event.data();
		if ("error".equals(event.event())) {
			return new Decoded(null, ProviderErrors.streamError(data, secrets), false, List.of(), null);
		}
		String trimmed = data.strip();
		if (trimmed.equals("[DONE]")) {
			return Decoded.DONE;
		}
		if (trimmed.isEmpty()) {
			skip("empty data", trimmed, secrets);
			return Decoded.SKIP;
		}
		if (!trimmed.startsWith("{")) {
			try {
				ChatJson.mapper().readTree(trimmed);
			}
			catch (JacksonException ex) {
				return Decoded.invalid(ex);
			}
			skip("JSON that is not an object", trimmed, secrets);
			return Decoded.SKIP;
		}
		ChatCompletionChunk chunk;
		try {
			chunk = CHUNK_READER.readValue(trimmed);
		}
		catch (JacksonException ex) {
			return Decoded.invalid(ex);
		}
		JsonNode error = ChunkSignals.error(chunk);
		if (error == null && !ChunkSignals.isChunk(chunk)) {
			skip("JSON that is not a chunk", trimmed, secrets);
			return Decoded.SKIP;
		}
		LlmStreamErrorException failure = null;
		if (error != null) {
			failure = error.isObject() ? ProviderErrors.streamError(error, secrets)
					: ProviderErrors.streamError(trimmed, secrets);
			// A chunk that reports an error is still handed out first when it carries choices or usage, but
			// without the error: that goes on as the exception, masked, and a relay would copy it out as it was.
			if (!ChunkSignals.carriesSomething(chunk)) {
				return new Decoded(null, failure, false, List.of(), null);
			}
			chunk = ChunkSignals.withoutError(chunk);
		}
		return new Decoded(chunk, failure, false, finishedChoices(chunk), null);
	}

	private static List<ChoiceEnd> finishedChoices(ChatCompletionChunk chunk) {
		List<ChunkChoice> choices = chunk.choices();
		if (choices.isEmpty()) {
			return List.of();
		}
		if (choices.size() == 1) {
			return List.of(new ChoiceEnd(choices.get(0).index(), ChunkSignals.finished(choices.get(0))));
		}
		List<ChoiceEnd> ends = new ArrayList<>(choices.size());
		for (ChunkChoice choice : choices) {
			ends.add(new ChoiceEnd(choice.index(), ChunkSignals.finished(choice)));
		}
		return ends;
	}

	// Masked after decoding its escapes, then shortened, so that neither an escaped key nor a cut one shows.
	private static void skip(String what, String data, Secrets secrets) {
		logger.debug("Skipped an event carrying {}", what);
		if (logger.isTraceEnabled()) {
			logger.trace("Skipped event data: {}", Texts.abbreviate(secrets.maskRaw(data), MAX_LOGGED));
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
	 * @param undecodable why the data could not be decoded, or {@code null}; its message may quote the data
	 */
	record Decoded(@Nullable ChatCompletionChunk chunk, @Nullable LlmStreamErrorException error, boolean done,
			List<ChoiceEnd> choices, @Nullable JacksonException undecodable) {

		static final Decoded DONE = new Decoded(null, null, true, List.of(), null);

		static final Decoded SKIP = new Decoded(null, null, false, List.of(), null);

		static Decoded invalid(JacksonException ex) {
			return new Decoded(null, null, false, List.of(), ex);
		}

		/**
		 * Whether the chunk is the event's data as decoded, so that the data may stand for it: the one chunk the
		 * engine changes is the one it hands out without the provider's error, which is the only way a chunk and an
		 * error come together (the error's text must not go out with the chunk).
		 */
		boolean verbatim() {
			return this.chunk != null && this.error == null;
		}

		/** Whether the event was skipped: neither a chunk, an error, the end, nor undecodable. */
		boolean skipped() {
			return this == SKIP;
		}

	}

}
