package io.echo.llm.benchmarks.clients;

/**
 * One streaming chat client under test, pointed at an OpenAI-compatible base URL through its own setting. Each
 * {@link #stream} sends the same request ({@code model: bench}, one user message, {@code stream: true}), consumes the
 * whole stream the way that client's users do, and accumulates it with that client's own accumulator.
 */
public interface StreamingClient extends AutoCloseable {

	/** Short name for tables: {@code echo-llm}, {@code openai-java}, {@code spring-ai}, {@code langchain4j}. */
	String name();

	/**
	 * Streams one completion to its end.
	 * @param listener told each content delta as soon as the client hands it to its caller
	 * @return what the client accumulated
	 * @throws Exception whatever the client throws
	 */
	Completion stream(ContentListener listener) throws Exception;

	@Override
	void close();

	/** Receives each non-empty content delta on the thread the client delivers it on. */
	@FunctionalInterface
	interface ContentListener {

		ContentListener NONE = (text) -> {
		};

		void onContent(String text);

	}

	/**
	 * The accumulated result of one stream.
	 * @param content the accumulated text of choice 0
	 * @param deltas content deltas handed to the listener
	 * @param finishReason finish reason of choice 0 as the client reports it
	 */
	record Completion(String content, long deltas, String finishReason) {
	}

}
