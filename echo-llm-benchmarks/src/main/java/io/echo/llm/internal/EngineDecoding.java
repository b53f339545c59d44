package io.echo.llm.internal;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * Lets the decode benchmark call the engine's own event decoding, which is package-private: this class shares the
 * package from the benchmark jar (a split package works on the class path). Benchmark code only, not API.
 */
public final class EngineDecoding {

	private EngineDecoding() {
	}

	/** What the engine hands out for one event: the chunk, or {@code null} for {@code [DONE]} and skipped data. */
	public static @Nullable ChatCompletionChunk decode(SseEvent event) {
		return ChunkDecoder.decode(event).chunk();
	}

}
