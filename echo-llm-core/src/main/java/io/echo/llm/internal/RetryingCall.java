package io.echo.llm.internal;

import io.echo.llm.LlmCallListener.Outcome;
import io.echo.llm.LlmCancellation;
import io.echo.llm.LlmCancelledException;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.http.MediaType;

/**
 * The retry loop of one call, on Spring Framework's core retry: sends attempts until one opens or {@link CallRetry}
 * (the policy and back-off) gives up, and sends again when the stream it opened times out before its first chunk
 * ({@link #reopen}). It decides, waits and counts here; the stream only asks. Holds the call's listener, its retry
 * state and the request bytes sent by every attempt. Runs on the caller's thread (then the thread that iterates the
 * stream, when it reopens); {@link #cancel()} comes from any thread, so {@code stream} is volatile.
 */
final class RetryingCall implements DefaultChatCompletionStream.Reopener {

	private static final Logger logger = LoggerFactory.getLogger(RetryingCall.class);

	private final ChatTransport transport;

	private final LlmClientSettings settings;

	private final CallTracker tracker;

	private final CallRetry retry;

	private final RetryTemplate template;

	private final byte[] body;

	private final long start;

	/** The stream once it opened, for a cancel through the caller's {@link LlmCancellation}. */
	private volatile @Nullable DefaultChatCompletionStream stream;

	RetryingCall(ChatTransport transport, LlmClientSettings settings, CallTracker tracker, byte[] body,
			@Nullable LlmCancellation cancellation) {
		this.transport = transport;
		this.settings = settings;
		this.tracker = tracker;
		this.body = body;
		this.retry = new CallRetry(settings);
		if (cancellation != null) {
			// Forgotten when the call ends, so that a signal kept for long holds no finished calls.
			this.tracker.onEnd(cancellation.onCancel(this::cancelCall));
		}
		this.template = new RetryTemplate(this.retry);
		this.start = transport.watchdog().now();
	}

	CallTracker tracker() {
		return this.tracker;
	}

	@Override
	public ChatTransport.Opened reopen(LlmException failure) {
		return open(failure, MediaType.TEXT_EVENT_STREAM);
	}

	@Override
	public void cancel() {
		this.retry.cancel();
	}

	void opened(DefaultChatCompletionStream opened) {
		this.stream = opened;
		if (this.retry.cancelled()) {
			opened.cancel();
		}
	}

	/** Through the caller's {@link LlmCancellation}: whatever phase the call is in. */
	private void cancelCall() {
		this.retry.cancel();
		DefaultChatCompletionStream opened = this.stream;
		if (opened != null) {
			opened.cancel();
		}
	}

	/**
	 * Sends attempts until one opens or the policy gives up.
	 * @param pending a failure of an attempt that opened but timed out before its first chunk, to retry
	 * from, or {@code null} for the first attempt of the call
	 */
	ChatTransport.Opened open(@Nullable LlmException pending, MediaType accept) {
		Attempt attempt = new Attempt(pending, accept);
		try {
			return this.template.execute(attempt);
		}
		catch (RetryException ex) {
			LlmException failure = (ex.getCause() instanceof LlmException llm) ? llm
					: new LlmException("LLM call failed: " + ex.getCause(), ex.getCause());
			if (this.retry.waitTooLong()) {
				logger.debug("Not retrying: the server asked to wait longer than maxRetryAfter ({})",
						RetryingCall.this.settings.maxRetryAfter());
			}
			if (Thread.currentThread().isInterrupted()) {
				// Also an interrupt that missed CallRetry's wait and hit RetryTemplate's own (zero) sleep.
				this.retry.cancel();
			}
			if (this.retry.cancelled()) {
				// Cancelled or interrupted, possibly while waiting to retry: the caller stopped the call, which
				// did not fail by itself.
				this.tracker.end(Outcome.CANCELLED, null);
				if (failure instanceof LlmCancelledException) {
					throw failure;
				}
				throw new LlmCancelledException("The LLM call was cancelled before it completed; its last "
						+ "attempt failed with " + failure.getClass().getSimpleName(), failure);
			}
			this.tracker.end(Outcome.ERROR, failure);
			throw failure;
		}
	}

	@Override
	public boolean cancelled() {
		return this.retry.cancelled();
	}

	/**
	 * One run of the retry template; a pending failure is replayed first so that the policy decides on it. Used by
	 * the call's thread only.
	 */
	private final class Attempt implements Retryable<ChatTransport.Opened> {

		private @Nullable LlmException pending;

		private final MediaType accept;

		Attempt(@Nullable LlmException pending, MediaType accept) {
			this.pending = pending;
			this.accept = accept;
		}

		@Override
		public ChatTransport.Opened execute() {
			LlmException replay = this.pending;
			if (replay != null) {
				this.pending = null;
				throw replay;
			}
			CallRetry retry = RetryingCall.this.retry;
			if (retry.cancelled() || Thread.currentThread().isInterrupted()) {
				// Cancelled before the call started, or between attempts: send nothing more.
				throw new LlmCancelledException("The LLM call was cancelled", null);
			}
			Throwable previous = retry.lastFailure();
			int number = retry.startAttempt();
			if (number > 1 && previous != null) {
				logger.debug("Attempt {} after: {}", number, previous.getMessage());
				RetryingCall.this.tracker.retry(number - 1, previous);
			}
			return RetryingCall.this.transport.open(RetryingCall.this.body, this.accept, RetryingCall.this.start,
					retry, RetryingCall.this.tracker);
		}

		@Override
		public String getName() {
			return "LLM chat completion";
		}

	}

}
