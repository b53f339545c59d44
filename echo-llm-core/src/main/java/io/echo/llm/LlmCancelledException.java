package io.echo.llm;

import org.jspecify.annotations.Nullable;

/**
 * The caller stopped the call before it completed: with {@link LlmCancellation#cancel()}, or by interrupting the
 * thread that was waiting in it (which then stays interrupted). Not a failure of the provider; nothing more is sent
 * or read. Thrown by {@link LlmStreamService#stream} and {@link LlmStreamService#complete} when the call is stopped
 * before they return, and by the iteration of a stream whose reading thread is interrupted; a stream stopped with
 * {@link ChatCompletionStream#cancel()} ends its iteration quietly instead.
 */
public class LlmCancelledException extends LlmException {

	public LlmCancelledException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
