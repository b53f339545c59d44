package io.echo.llm.internal;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The engine's own decoding of one server-sent event, for the decode benchmark (echo-llm-benchmarks), which must
 * measure exactly what a stream does per event. Not API: it may change or go in any release.
 */
public final class Decoding {

	private Decoding() {
	}

	/** What the engine hands out for one event: the chunk, or {@code null} for {@code [DONE]} and skipped data. */
	public static @Nullable ChatCompletionChunk decode(SseEvent event) {
		return ChunkDecoder.decodeOnce(event).chunk();
	}

	/** A decoder as one stream has it: call {@link Decoder#release()} where a stream would wait for bytes. */
	public static Decoder decoder() {
		return new Decoder();
	}

	/** The engine's decoding of the events of one stream, with what it keeps between events. */
	public static final class Decoder {

		private final ChunkDecoder decoder = new ChunkDecoder();

		private Decoder() {
		}

		/** What the engine hands out for the event: the chunk, or {@code null}. */
		public @Nullable ChatCompletionChunk decode(SseEvent event) {
			return this.decoder.decode(event, Secrets.NONE).chunk();
		}

		/** What a stream does once the events of a read are decoded, before it reads again. */
		public void release() {
			this.decoder.release();
		}

	}

}
