package io.echo.llm.internal;

import java.io.Reader;
import java.io.Writer;

import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;

/**
 * Turns one server-sent event into what the stream does with it: hand out a chunk, end at {@code [DONE]}, fail with
 * the provider's error (after the chunk it rode on, when that carried anything), skip an event that is well-formed
 * JSON but not a chunk (or has empty data: a ping), or report data that cannot be decoded (malformed JSON, or beyond
 * Jackson's nesting, length or number limits), which the stream must not skip: content would be lost unseen.
 * Each event is bound once, straight from its text (no JSON tree in between); control decisions (errors, finish
 * reasons) are taken by {@link ChunkSignals} from the fields as the provider sent them, so they do not depend on how
 * the wire types map a provider's quirks.
 * <p>
 * One decoder per stream, used by its iterating thread: it keeps one parser across the events of a read (the events'
 * objects read as a sequence of root values), which it gives back on {@link #release()}.
 */
final class ChunkDecoder {

	private static final Logger logger = LoggerFactory.getLogger(ChunkDecoder.class);

	private static final int MAX_LOGGED = 500;

	// Resolved once: a mapper's readValue looks up the type and its deserializer on every call.
	private static final ObjectReader CHUNK_READER = ChatJson.mapper().readerFor(ChatCompletionChunk.class);

	/** Where the kept parser would put what trails an event's object: only its count matters. */
	private static final Writer TRAILING = Writer.nullWriter();

	private final EventText text = new EventText();

	/**
	 * The values of the parser reading the events since the last {@link #release()}, or null. Setting up a parser
	 * (its buffers, name table, contexts) and a binding context per event, and closing them again, cost about a fifth
	 * of a stream's CPU; an iterator binds each value with the one context it keeps.
	 */
	private @Nullable MappingIterator<ChatCompletionChunk> values;

	/** Decodes an event of a service without credentials, with a parser of its own. */
	static Decoded decodeOnce(SseEvent event) {
		ChunkDecoder decoder = new ChunkDecoder();
		try {
			return decoder.decode(event, Secrets.NONE);
		}
		finally {
			decoder.release();
		}
	}

	/**
	 * Decodes an event; whatever the provider's error says, and whatever is logged, has the secrets masked. The
	 * decoder keeps its parser for the next event: {@link #release()} it before the stream waits for more bytes.
	 */
	Decoded decode(SseEvent event, Secrets secrets) {
		String data = event.data();
		if ("error".equals(event.event())) {
			return new Decoded(null, ProviderErrors.streamError(data, secrets), false, null);
		}
		// The bounds of data.strip(), without the copy: a chunk's data rarely has whitespace to strip.
		int end = data.length();
		while (end > 0 && Character.isWhitespace(data.charAt(end - 1))) {
			end--;
		}
		int start = 0;
		while (start < end && Character.isWhitespace(data.charAt(start))) {
			start++;
		}
		if (start == end) {
			skip("empty data", "", secrets);
			return Decoded.SKIP;
		}
		if (data.charAt(start) != '{') {
			return notAnObject(data.substring(start, end), secrets);
		}
		ChatCompletionChunk chunk;
		try {
			chunk = bind(data, start, end);
		}
		catch (JacksonException ex) {
			return Decoded.invalid(ex);
		}
		JsonNode error = ChunkSignals.error(chunk);
		if (error == null && !ChunkSignals.isChunk(chunk)) {
			skip("JSON that is not a chunk", data.substring(start, end), secrets);
			return Decoded.SKIP;
		}
		LlmStreamErrorException failure = null;
		if (error != null) {
			failure = error.isObject() ? ProviderErrors.streamError(error, secrets)
					: ProviderErrors.streamError(data.substring(start, end), secrets);
			// A chunk that reports an error is still handed out first when it carries choices or usage, but
			// without the error: that goes on as the exception, masked, and a relay would copy it out as it was.
			if (!ChunkSignals.carriesSomething(chunk)) {
				return new Decoded(null, failure, false, null);
			}
			chunk = ChunkSignals.withoutError(chunk);
		}
		return new Decoded(chunk, failure, false, null);
	}

	/** Data that does not start an object: {@code [DONE]}, a JSON value to skip, or data that is not JSON. */
	private static Decoded notAnObject(String trimmed, Secrets secrets) {
		if (trimmed.equals("[DONE]")) {
			return Decoded.DONE;
		}
		try {
			ChatJson.mapper().readTree(trimmed);
		}
		catch (JacksonException ex) {
			return Decoded.invalid(ex);
		}
		skip("JSON that is not an object", trimmed, secrets);
		return Decoded.SKIP;
	}

	/**
	 * Binds the object in {@code data[start, end)} with the parser kept across events, which reads the events as
	 * one sequence of root values. Anything but an object that ends exactly at {@code end} (an error, trailing
	 * tokens) drops that parser and binds the data again as {@code readValue} of the data alone does, so that the
	 * outcome, and the exception with its message, are the ones of a parser of the event's own.
	 */
	private ChatCompletionChunk bind(String data, int start, int end) {
		this.text.next(data, start, end);
		MappingIterator<ChatCompletionChunk> sequence = this.values;
		if (sequence == null) {
			sequence = CHUNK_READER.readValues(CHUNK_READER.createParser(this.text));
			this.values = sequence;
		}
		boolean bound = false;
		try {
			ChatCompletionChunk chunk = sequence.nextValue();
			if (chunk != null && this.text.delivered() && sequence.parser().releaseBuffered(TRAILING) == 0) {
				bound = true;
				return chunk;
			}
		}
		catch (RuntimeException ex) {
			// Decided below from the event's data alone.
		}
		finally {
			if (!bound) {
				release();
			}
		}
		return CHUNK_READER.readValue(data.substring(start, end));
	}

	/** Closes the parser kept across events, giving its buffers back; the next event takes a new one. */
	void release() {
		MappingIterator<ChatCompletionChunk> kept = this.values;
		if (kept != null) {
			this.values = null;
			this.text.next("", 0, 0);
			kept.parser().close();
		}
	}

	// Masked after decoding its escapes, then shortened, so that neither an escaped key nor a cut one shows.
	private static void skip(String what, String data, Secrets secrets) {
		logger.debug("Skipped an event carrying {}", what);
		if (logger.isTraceEnabled()) {
			logger.trace("Skipped event data: {}", Texts.abbreviate(secrets.maskRaw(data), MAX_LOGGED));
		}
	}

	/**
	 * The text of the events the kept parser reads, one after the other: each event's object as its next root value.
	 * Ends (-1) where the current event ends, so an object cut short there fails as at the end of the data.
	 */
	private static final class EventText extends Reader {

		private String data = "";

		private int position;

		private int end;

		void next(String data, int start, int end) {
			this.data = data;
			this.position = start;
			this.end = end;
		}

		/** Whether the parser has taken all of the current event's text. */
		boolean delivered() {
			return this.position == this.end;
		}

		@Override
		public int read(char[] buffer, int offset, int length) {
			if (this.position >= this.end) {
				return -1;
			}
			int count = Math.min(length, this.end - this.position);
			this.data.getChars(this.position, this.position + count, buffer, offset);
			this.position += count;
			return count;
		}

		@Override
		public void close() {
			// Nothing to release: the parser closes it with itself.
		}

	}

	/**
	 * What one event means.
	 *
	 * @param chunk chunk to hand out, or {@code null}
	 * @param error provider error to throw after the chunk, or {@code null}
	 * @param done whether the event was {@code [DONE]}
	 * @param undecodable why the data could not be decoded, or {@code null}; its message may quote the data
	 */
	record Decoded(@Nullable ChatCompletionChunk chunk, @Nullable LlmStreamErrorException error, boolean done,
			@Nullable JacksonException undecodable) {

		static final Decoded DONE = new Decoded(null, null, true, null);

		static final Decoded SKIP = new Decoded(null, null, false, null);

		static Decoded invalid(JacksonException ex) {
			return new Decoded(null, null, false, ex);
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
