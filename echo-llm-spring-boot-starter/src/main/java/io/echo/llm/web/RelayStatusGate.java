package io.echo.llm.web;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Decides once what {@link LlmSseRelay#relayWithStatus} (and the deprecated {@code relayAfterStatus}) answers: the
 * event stream (the provider opened, or the wait ran out) or the failure (the call failed first), which Spring MVC
 * hands to the application's exception handlers while the response can still take its status. The relay's thread,
 * the timer and the request's own callbacks race for it: {@code decided} lets the first win; the rest is volatile.
 * <p>
 * Without a {@link DeferredResult} the emitter is the controller's answer: a failure completes it with the error, and
 * the stream costs Spring MVC one async dispatch (its end) instead of two (the result, then the end).
 */
final class RelayStatusGate implements RelayTask.Opening {

	private final AtomicBoolean decided = new AtomicBoolean();

	private final @Nullable DeferredResult<SseEmitter> result;

	private final SseEmitter emitter;

	private final SseHeartbeats.Watch watch;

	// Set by the relay right after the task exists, before the task can call back.
	volatile @Nullable RelayTask task;

	private volatile @Nullable ScheduledFuture<?> timer;

	// The failure handed to Spring MVC, for LlmRelayStatusResolver to tell it from any other of the request.
	private volatile @Nullable Throwable answered;

	/**
	 * @param result the controller's answer when it is a deferred result, or {@code null} when it is the emitter
	 * @param emitter the stream's emitter
	 * @param watch the emitter's heartbeat, started with the response
	 */
	RelayStatusGate(@Nullable DeferredResult<SseEmitter> result, SseEmitter emitter, SseHeartbeats.Watch watch) {
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
		this.answered = failure;
		if (this.result != null) {
			this.result.setErrorResult(failure);
		}
		else {
			// Nothing was written yet: Spring MVC dispatches the error to the exception handlers, as for a throw.
			this.emitter.completeWithError(failure);
		}
		return true;
	}

	/** Records a failure the relay throws to the controller itself: no executor thread for the stream. */
	void rejected(RuntimeException failure) {
		this.decided.set(true);
		this.answered = failure;
	}

	/** Returns whether this is the failure the relay handed to Spring MVC as the request's answer. */
	boolean answered(Throwable failure) {
		return failure == this.answered;
	}

	/** Starts the SSE response: headers at once, then the heartbeat that notices a client that left. */
	void start() {
		if (!this.decided.compareAndSet(false, true)) {
			return;
		}
		stopTimer();
		RelayTask relay = Objects.requireNonNull(this.task);
		if (this.result != null && !this.result.setResult(this.emitter)) {
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
