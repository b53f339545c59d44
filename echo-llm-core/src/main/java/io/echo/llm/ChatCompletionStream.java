package io.echo.llm;

import java.util.stream.Stream;

import io.echo.llm.chat.ChatCompletionChunk;

/**
 * A streamed chat completion: iterate it on one thread, {@link #cancel()} it from any thread.
 *
 * <pre>{@code
 * try (ChatCompletionStream stream = llm.stream(request)) {
 *     for (ChatCompletionChunk chunk : stream) {
 *         System.out.print(chunk.text());
 *     }
 * }
 * }</pre>
 *
 * Iteration yields each chunk as its event arrives and throws an {@link LlmException} on failure, after every chunk
 * that arrived before it. After {@link #cancel()} the iteration ends quietly. A stream can be iterated once (through
 * {@link #iterator()} or {@link #stream()}); the connection is released when the iteration ends, fails or is
 * cancelled, and by {@link #close()} in any case.
 */
public interface ChatCompletionStream extends Iterable<ChatCompletionChunk>, AutoCloseable {

	/**
	 * Immediately and violently releases the connection: a reader blocked in a socket read wakes up and the iteration
	 * ends. Callable from any thread, any number of times.
	 */
	void cancel();

	/** Releases the connection; the same as {@link #cancel()} when the stream has not ended. Never throws. */
	@Override
	void close();

	/** Sequential {@link Stream} over the chunks; closing it closes this stream. */
	Stream<ChatCompletionChunk> stream();

}
