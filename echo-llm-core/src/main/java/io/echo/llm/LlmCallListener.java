package io.echo.llm;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;

/**
 * Hook into every call a {@link LlmStreamService} makes, for metrics and tracing (the Spring Boot starter records a
 * Micrometer Observation through it). Implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface LlmCallListener {

	/** Listener that records nothing. */
	LlmCallListener NONE = (info) -> Call.NONE;

	/** Called when a call starts, before the first attempt. */
	Call start(CallInfo info);

	/**
	 * What is known about a call when it starts. Holds no prompt, no key and no URL user info or query: a listener
	 * may record all of it.
	 *
	 * @param clientName name of the client ({@code "default"} for the primary one)
	 * @param model model the request names, or {@code null}
	 * @param streaming whether the call streams
	 * @param serverAddress host of the base URL, or {@code null} when unknown
	 * @param serverPort port of the base URL (the scheme's default when the URL names none), or {@code -1} when
	 * unknown
	 */
	record CallInfo(String clientName, @Nullable String model, boolean streaming, @Nullable String serverAddress,
			int serverPort) {

		/**
		 * Creates the information of a call to an unknown server.
		 * @param clientName name of the client
		 * @param model model the request names, or {@code null}
		 * @param streaming whether the call streams
		 */
		public CallInfo(String clientName, @Nullable String model, boolean streaming) {
			this(clientName, model, streaming, null, -1);
		}

	}

	/** How a call ended. */
	enum Outcome {

		/** Completed normally. */
		SUCCESS,

		/** Failed with an {@link LlmException}. */
		ERROR,

		/** Cancelled or closed by the caller before its end. */
		CANCELLED

	}

	/** Events of one call. {@link #end} is called exactly once, last. */
	interface Call {

		/** Call that records nothing. */
		Call NONE = (outcome, error) -> {
		};

		/** An attempt failed and another follows. */
		default void retry(int failedAttempt, Throwable cause) {
		}

		/** A timeout fired. */
		default void timeout(LlmTimeoutException.Kind kind) {
		}

		/** First chunk was handed to the caller. */
		default void firstChunk() {
		}

		/** A chunk was handed to the caller (the first one too). */
		default void chunk(ChatCompletionChunk chunk) {
		}

		/**
		 * An event was skipped: well-formed JSON that is not a chunk (a provider's status or ping object), or an
		 * event with empty data. Skipped events reset no timeout; many of them may hint at a provider that the engine
		 * does not understand.
		 */
		default void skippedEvent() {
		}

		/**
		 * The whole response of a call that does not stream ({@link LlmStreamService#complete}) was read, before
		 * {@link #end} with {@link Outcome#SUCCESS}. Its {@link ChatCompletionResponse#usage() usage}, when the
		 * provider reports it, is the token count of the call (a stream reports it in a chunk instead).
		 */
		default void response(ChatCompletionResponse response) {
		}

		/** The call ended; {@code error} is set when the outcome is {@link Outcome#ERROR}. */
		void end(Outcome outcome, @Nullable LlmException error);

	}

}
