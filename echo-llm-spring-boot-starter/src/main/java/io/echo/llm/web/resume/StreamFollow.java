package io.echo.llm.web.resume;

import java.io.IOException;
import java.time.Duration;

import io.echo.llm.web.RelayError;
import io.echo.llm.web.RelayEvent;
import io.echo.llm.web.SseEmitters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Replays a stream from the store to one client and follows it to its end, on an executor thread of its own.
 * Threads: that thread owns the follower; {@code gone} is set by the request's callbacks on any thread.
 */
final class StreamFollow implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(ResumableRelay.class);

	// How long one read of the store waits for new events before the client is checked with a heartbeat.
	private static final Duration FOLLOW_WAIT = Duration.ofSeconds(1);


	private final String streamId;

	private final LlmStreamStore.Follower follower;

	private final SseEmitter emitter;

	private volatile boolean gone;

	StreamFollow(String streamId, LlmStreamStore.Follower follower, SseEmitter emitter) {
		this.streamId = streamId;
		this.follower = follower;
		this.emitter = emitter;
	}

	void clientGone() {
		this.gone = true;
	}

	@Override
	public void run() {
		try (this.follower) {
			while (!this.gone) {
				LlmStreamStore.Batch batch = this.follower.next(FOLLOW_WAIT);
				if (batch.missed() > 0) {
					end(new RelayError(410, "stream_events_evicted", batch.missed() + " events of this reply were "
							+ "dropped before this client read them (echo.llm.relay.max-stream-bytes); the reply is "
							+ "incomplete"));
					return;
				}
				for (LlmStreamStore.StoredEvent event : batch.events()) {
					SseEmitters.send(this.emitter, new RelayEvent(event.event(), event.data()),
							this.streamId + ":" + event.sequence());
				}
				if (batch.finished()) {
					this.emitter.complete();
					return;
				}
				if (batch.events().isEmpty()) {
					// The wait ran out: see whether the client is still there, so that it stops counting as one.
					SseEmitters.heartbeat(this.emitter);
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Follower of stream {} gone: {}", this.streamId, ex.toString());
		}
		catch (LlmStreamNotFoundException ex) {
			end(new RelayError(404, "stream_not_found", "This reply expired while it was being followed"));
		}
		catch (LlmStreamAbandonedException ex) {
			logger.info("Follower of stream {} ended: the instance writing it stopped without finishing it",
					this.streamId);
			end(new RelayError(502, "stream_abandoned", "The server writing this reply stopped before finishing it; "
					+ "send the message again"));
		}
		catch (RuntimeException ex) {
			logger.error("Following stream {} failed: {}", this.streamId, ex.toString());
			logger.debug("Following stream {} failed", this.streamId, ex);
			end(RelayError.INTERNAL);
		}
	}

	private void end(RelayError error) {
		SseEmitters.endQuietly(this.emitter, error.event());
	}

}
