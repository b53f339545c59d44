package io.echo.llm.web;

import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What makes an {@link LlmSseRelay}'s {@link RelayFormat#BROWSER browser} replies resumable. The relay owns this
 * interface and knows nothing of how replies are kept; {@code io.echo.llm.web.resume.ResumableRelay} implements it
 * over an {@code LlmStreamStore}, and the auto-configuration (or the application) hands it to
 * {@link LlmSseRelay#LlmSseRelay(LlmStreamService, org.springframework.core.task.AsyncTaskExecutor,
 * java.time.Duration, RelayResumption)}. This way the relay API does not depend on the resumable relay, which depends
 * on it.
 * <p>
 * Implementations are called from request threads concurrently and must be thread-safe.
 */
public interface RelayResumption extends AutoCloseable {

	/**
	 * Starts a resumable reply: its events are kept, then sent to the client with ids {@code <streamId>:<sequence>}.
	 * @param service the service to call
	 * @param request the request
	 * @return the emitter to return from the controller method
	 */
	SseEmitter relay(LlmStreamService service, ChatCompletionRequest request);

	/**
	 * Starts a resumable reply, as {@link #relay(LlmStreamService, ChatCompletionRequest)}, and runs the action once
	 * when its upstream call is over (or never starts), so that the relay counts it as live until then. Override it
	 * when the upstream outlives the client's response; by default the action runs when the response ends.
	 * @param service the service to call
	 * @param request the request
	 * @param whenOver run once when the reply's upstream call is over
	 * @return the emitter to return from the controller method
	 */
	default SseEmitter relay(LlmStreamService service, ChatCompletionRequest request, Runnable whenOver) {
		SseEmitter emitter = relay(service, request);
		SseEmitters.onEnd(emitter, whenOver);
		return emitter;
	}

	/**
	 * Replays a reply after the given sequence, then follows it live to its end.
	 * @param streamId the stream
	 * @param afterSequence the sequence of the last event the client has, 0 for the whole stream
	 * @return the emitter to return from the controller method
	 * @throws RuntimeException the implementation's own when the stream is unknown or expired
	 * @throws IllegalArgumentException when the sequence is past the stream's last event
	 */
	SseEmitter resume(String streamId, long afterSequence);

	/**
	 * Continues the reply an {@code EventSource} reconnected to (its {@code Last-Event-ID} header); failures, an
	 * unknown stream included, end the emitter with an {@code error} event instead of throwing.
	 * @param lastEventId the header, {@code <streamId>:<sequence>}
	 * @return the emitter to return from the controller method
	 */
	SseEmitter resumeQuietly(String lastEventId);

	/**
	 * Asks whichever instance runs the reply's upstream to cancel it.
	 * @param streamId the stream
	 * @return {@code false} when the stream is unknown or expired
	 */
	boolean stop(String streamId);

	/**
	 * The application is shutting down: ends the replies whose upstream this instance runs with a
	 * {@code 503 server_shutting_down} error event, for their clients and followers, and closes their upstreams.
	 * Called by {@link LlmSseRelay#stop(Runnable)}; by default does nothing.
	 */
	default void shutDown() {
	}

	/** Stops the background checks; called by {@link LlmSseRelay#close()}. */
	@Override
	void close();

}
