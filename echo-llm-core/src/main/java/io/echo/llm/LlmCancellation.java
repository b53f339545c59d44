package io.echo.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Stops a call from another thread in whatever phase it is: connecting, waiting for the response headers, waiting to
 * retry, or streaming the body. Pass it to {@link LlmStreamService#stream(io.echo.llm.chat.ChatCompletionRequest,
 * LlmCancellation)} when the thread that calls {@code stream()} may block while the caller goes away (a relay whose
 * client disconnects before the provider answers): {@code stream()} itself has no stream to cancel yet.
 *
 * <pre>{@code
 * LlmCancellation cancellation = new LlmCancellation();
 * onClientGone(cancellation::cancel);                      // any thread, any time
 * try (ChatCompletionStream stream = llm.stream(request, cancellation)) {
 *     stream.forEach(this::send);
 * }
 * catch (LlmCancelledException ex) {
 *     // cancelled before the stream opened: nothing was sent to the client
 * }
 * }</pre>
 *
 * Once cancelled: a call that has not opened yet throws {@link LlmCancelledException} from {@code stream()} or
 * {@code complete()} within a second, its connection closed and no further attempt started; a stream that opened
 * ends as by {@link ChatCompletionStream#cancel()}. A call given a signal that is already cancelled does not start.
 * One signal may stop several calls (a group to stop together); the engine forgets a call when it ends.
 */
public final class LlmCancellation {

	/** Guarded by itself, as is {@code cancelled}: any thread may cancel while calls register and unregister. */
	private final List<Runnable> actions = new ArrayList<>();

	private boolean cancelled;

	/** Cancels every call given this signal, and every call it is given later; idempotent, never throws. */
	public void cancel() {
		List<Runnable> toRun;
		synchronized (this.actions) {
			if (this.cancelled) {
				return;
			}
			this.cancelled = true;
			toRun = new ArrayList<>(this.actions);
			this.actions.clear();
		}
		for (Runnable action : toRun) {
			try {
				action.run();
			}
			catch (RuntimeException ex) {
				// An action that fails must not keep the others from stopping their calls.
			}
		}
	}

	/** Whether {@link #cancel()} was called. */
	public boolean isCancelled() {
		synchronized (this.actions) {
			return this.cancelled;
		}
	}

	/**
	 * For implementations of {@link LlmStreamService}: runs the action on {@link #cancel()}, on the cancelling thread
	 * (at once, on this thread, when already cancelled). The action must not block.
	 * @return a handle that unregisters the action (call it when the call ended, to let the action be collected)
	 */
	public Runnable onCancel(Runnable action) {
		Objects.requireNonNull(action, "action");
		boolean runNow;
		synchronized (this.actions) {
			runNow = this.cancelled;
			if (!runNow) {
				this.actions.add(action);
			}
		}
		if (runNow) {
			action.run();
			return () -> {
			};
		}
		return () -> remove(action);
	}

	private void remove(@Nullable Runnable action) {
		synchronized (this.actions) {
			this.actions.remove(action);
		}
	}

	@Override
	public String toString() {
		return "LlmCancellation[" + (isCancelled() ? "cancelled" : "active") + "]";
	}

}
