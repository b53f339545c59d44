package io.echo.llm.internal;

import org.jspecify.annotations.Nullable;

/**
 * A stream that can give the provider's own data for the chunk it last handed out, so that a relay can forward the
 * bytes the provider sent instead of serializing the decoded chunk again (which would change field order, whitespace,
 * escapes and numbers, and costs a serialization per token). Implemented by the engine's stream; a relay checks for
 * it with {@code instanceof} and serializes the chunk of any other {@link io.echo.llm.ChatCompletionStream} (a
 * caller's own, a wrapper).
 * <p>
 * Not API: public only for the starter's OpenAI-format relay; it may change or go in any release.
 */
public interface RawChunkData {

	/**
	 * Returns the data of the event that the chunk last returned by {@code next()} was decoded from, exactly as the
	 * provider sent it (the event's {@code data}, its lines joined by {@code \n}). Call it from the thread that
	 * iterates, after {@code next()}.
	 * @return the data, or {@code null} when no chunk was handed out yet or when the chunk handed out is not what
	 * that data says (the engine took the provider's error out of it): then only the chunk itself may be written
	 */
	@Nullable String rawData();

}
