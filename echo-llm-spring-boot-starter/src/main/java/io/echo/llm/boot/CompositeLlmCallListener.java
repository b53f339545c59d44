package io.echo.llm.boot;

import java.util.List;
import java.util.function.Consumer;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every {@link LlmCallListener} bean about each call. A listener that throws is logged and skipped, so that the
 * others (the observation among them) still see {@code end} exactly once.
 */
final class CompositeLlmCallListener implements LlmCallListener {

	private static final Logger logger = LoggerFactory.getLogger(CompositeLlmCallListener.class);

	private final List<LlmCallListener> listeners;

	private CompositeLlmCallListener(List<LlmCallListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	static LlmCallListener of(List<LlmCallListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> LlmCallListener.NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeLlmCallListener(listeners);
		};
	}

	@Override
	public Call start(CallInfo info) {
		List<Call> calls = this.listeners.stream().map((listener) -> start(listener, info)).toList();
		return new CompositeCall(calls);
	}

	private static Call start(LlmCallListener listener, CallInfo info) {
		try {
			return listener.start(info);
		}
		catch (RuntimeException ex) {
			logger.warn("LlmCallListener {} failed to start a call", listener, ex);
			return Call.NONE;
		}
	}

	private record CompositeCall(List<Call> calls) implements Call {

		@Override
		public void retry(int failedAttempt, Throwable cause) {
			each((call) -> call.retry(failedAttempt, cause));
		}

		@Override
		public void timeout(LlmTimeoutException.Kind kind) {
			each((call) -> call.timeout(kind));
		}

		@Override
		public void firstChunk() {
			each(Call::firstChunk);
		}

		@Override
		public void chunk(ChatCompletionChunk chunk) {
			each((call) -> call.chunk(chunk));
		}

		@Override
		public void skippedEvent() {
			each(LlmCallListener.Call::skippedEvent);
		}

		@Override
		public void response(ChatCompletionResponse response) {
			each((call) -> call.response(response));
		}

		@Override
		public void end(Outcome outcome, @Nullable LlmException error) {
			each((call) -> call.end(outcome, error));
		}

		private void each(Consumer<Call> action) {
			for (Call call : this.calls) {
				try {
					action.accept(call);
				}
				catch (RuntimeException ex) {
					logger.warn("LlmCallListener call {} failed", call, ex);
				}
			}
		}

	}

}
