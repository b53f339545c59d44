package io.echo.llm.web;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Decides once what {@link LlmSseRelay#relayAfterStatus} answers: the emitter (the provider opened, or the wait ran out) or
 * the failure (the call failed first). The relay's thread, the timer and the request's own callbacks race for
 * it: {@code decided} lets the first win; the rest is volatile.
 */
final class RelayStatusGate implements RelayTask.Opening {

	private final AtomicBoolean decided = new AtomicBoolean();

	private final DeferredResult<SseEmitter> result;

	private final SseEmitter emitter;

	private final SseHeartbeats.Watch watch;

	// Set by the relay right after the task exists, before the task can call back.
	volatile @Nullable RelayTask task;

	private volatile @Nullable ScheduledFuture<?> timer;

	RelayStatusGate(DeferredResult<SseEmitter> result, SseEmitter emitter, SseHeartbeats.Watch watch) {
		this.result = result;
		this.emitter = emitter;
		this.watch = watch;
	}

	void startAfter(ScheduledFuture<?> timer) {
		this.timer = timer;
		if (this.decided.get()) {
			timer.cancel(false);
		}
	}

	@Override
	public void opened() {
		start();
	}

	@Override
	public boolean failedBeforeOpen(RuntimeException failure) {
		if (!this.decided.compareAndSet(false, true)) {
			return false;
		}
		stopTimer();
		this.result.setErrorResult(failure);
		return true;
	}

	/** Starts the SSE response: headers at once, then the heartbeat that notices a client that left. */
	void start() {
		if (!this.decided.compareAndSet(false, true)) {
			return;
		}
		stopTimer();
		RelayTask relay = Objects.requireNonNull(this.task);
		if (!this.result.setResult(this.emitter)) {
			// The request ended meanwhile (timed out or failed): nobody will read the stream.
			relay.cancel(LlmSseRelay.CLIENT_GONE);
			return;
		}
		this.watch.start(() -> relay.cancel(LlmSseRelay.CLIENT_GONE));
	}

	private void stopTimer() {
		ScheduledFuture<?> scheduled = this.timer;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
	}

}
