package io.echo.llm.web;

import java.util.List;

import io.echo.llm.LlmException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.StreamOptions;

/**
 * Turns one stream's chunks, its end and its failure into {@link RelayEvent}s of a {@link RelayFormat}. One instance
 * per stream, used from one thread: the browser format remembers the finish reason for its {@code done} event.
 *
 * <pre>{@code
 * RelayEvents events = RelayEvents.of(RelayFormat.BROWSER);
 * for (ChatCompletionChunk chunk : stream) {
 *     events.chunk(chunk).forEach(sink);
 * }
 * sink.accept(events.done());
 * }</pre>
 */
public interface RelayEvents {

	/**
	 * Returns a new instance for one stream in the given format.
	 * @param format the format to produce
	 * @return a new instance
	 */
	public static RelayEvents of(RelayFormat format) {
		return switch (format) {
			case OPENAI -> new OpenAiRelayEvents(true);
			case BROWSER -> new BrowserRelayEvents();
		};
	}

	/**
	 * Returns a new instance for one stream in the given format, shaped by what the client asked: the OpenAI format
	 * passes on the provider's usage-only chunk ({@code "choices": []}) only when the request set
	 * {@code stream_options.include_usage} to {@code true}, so that a client gets the stream it would get from OpenAI
	 * even though the engine asks for usage for its metrics.
	 * @param format the format to produce
	 * @param request the client's request, before the engine added anything
	 * @return a new instance
	 */
	static RelayEvents of(RelayFormat format, ChatCompletionRequest request) {
		if (format == RelayFormat.OPENAI) {
			StreamOptions options = request.streamOptions();
			return new OpenAiRelayEvents(options != null && Boolean.TRUE.equals(options.includeUsage()));
		}
		return of(format);
	}

	/**
	 * Returns the events for one chunk, possibly none (a keep-alive chunk with no content). The OpenAI format
	 * serializes the chunk here; {@link LlmSseRelay} forwards the provider's own bytes instead when it reads the
	 * engine's stream.
	 * @param chunk the chunk
	 * @return the events to send, in order
	 */
	List<RelayEvent> chunk(ChatCompletionChunk chunk);

	/**
	 * Returns the last event of a stream that completed.
	 * @return {@code data: [DONE]} or the {@code done} event
	 */
	RelayEvent done();

	/**
	 * Returns the last event of a stream that failed: status, code and a message safe to show to the end user (the
	 * provider's own message is left out, as it may echo parts of the request or of the key).
	 * @param failure why the stream failed; a
	 * {@link org.springframework.core.task.TaskRejectedException TaskRejectedException} (no executor thread free) is
	 * reported as {@code 503 relay_busy}, anything else but an {@link LlmException} as an internal error
	 * @return the {@code error} event
	 */
	RelayEvent error(Throwable failure);

}
