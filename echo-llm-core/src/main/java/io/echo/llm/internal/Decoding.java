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
		return ChunkDecoder.decode(event).chunk();
	}

}
