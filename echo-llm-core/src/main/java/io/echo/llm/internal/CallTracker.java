package io.echo.llm.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmCallListener.Outcome;
import io.echo.llm.LlmException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's view of one call: ends it exactly once whichever of success, failure and cancel comes first (a
 * cancel from another thread races the reader), and keeps a misbehaving listener from breaking the call.
 * <p>
 * Threads: {@code chunks} is counted by the reading thread only; {@code ended} and {@code onEnd} are shared with a
 * cancelling thread (atomic and volatile).
 */
final class CallTracker {

	private static final Logger logger = LoggerFactory.getLogger(CallTracker.class);

	private final LlmCallListener.Call call;

	private final AtomicBoolean ended = new AtomicBoolean();

	private long chunks;

	private volatile @Nullable Runnable onEnd;

	private CallTracker(LlmCallListener.Call call) {
		this.call = call;
	}

	static CallTracker start(LlmCallListener listener, LlmCallListener.CallInfo info) {
		LlmCallListener.Call call;
		try {
			call = listener.start(info);
		}
		catch (RuntimeException ex) {
			logger.warn("LlmCallListener failed to start a call; it will not see this call", ex);
			call = LlmCallListener.Call.NONE;
		}
		return new CallTracker((call != null) ? call : LlmCallListener.Call.NONE);
	}

	void retry(int failedAttempt, Throwable cause) {
		safely(() -> this.call.retry(failedAttempt, cause));
	}

	void timeout(LlmTimeoutException.Kind kind) {
		safely(() -> this.call.timeout(kind));
	}

	/** A chunk was handed to the caller. */
	void chunk(ChatCompletionChunk chunk) {
		if (this.chunks++ == 0) {
			safely(this.call::firstChunk);
		}
		safely(() -> this.call.chunk(chunk));
	}

	/** The whole response of a call that does not stream was read. */
	void response(ChatCompletionResponse response) {
		safely(() -> this.call.response(response));
	}

	long chunks() {
		return this.chunks;
	}

	boolean ended() {
		return this.ended.get();
	}

	/** Ends the call unless it ended already; returns whether this call ended it. */
	boolean end(Outcome outcome, @Nullable LlmException error) {
		if (!this.ended.compareAndSet(false, true)) {
			return false;
		}
		Runnable action = this.onEnd;
		if (action != null) {
			action.run();
		}
		safely(() -> this.call.end(outcome, error));
		return true;
	}

	/** Runs the given action when the call ends (at once if it has ended already). */
	void onEnd(Runnable action) {
		this.onEnd = action;
		if (this.ended.get()) {
			action.run();
		}
	}

	/** An event that carried no chunk was skipped. */
	void skipped() {
		safely(this.call::skippedEvent);
	}

	private static void safely(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			logger.warn("LlmCallListener failed; ignored", ex);
		}
	}

}
