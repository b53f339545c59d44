package io.echo.llm.web;

import java.util.List;
import java.util.Locale;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTruncatedStreamException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.task.TaskRejectedException;

/**
 * What a relay tells its client about a failure. The message is built here from the failure's type, status and code,
 * never copied from a provider: provider messages may echo parts of the prompt or a masked key.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public record RelayError(int status, @Nullable String code, String message) {

	public static final RelayError INTERNAL = new RelayError(500, "internal_error", "The relay failed");

	public static final RelayError STREAM_NOT_FOUND = new RelayError(404, "stream_not_found",
			"This reply is unknown or expired");

	/** The executor had no thread for the stream: better an answer at once than a reply that waits unseen. */
	public static final RelayError BUSY = new RelayError(503, "relay_busy", "Too many replies in progress; try again shortly");

	private static final List<Kind> KINDS = List.of(
			new Kind(LlmStreamErrorException.class, "stream_error",
					"The LLM provider reported an error during the stream"),
			new Kind(LlmNetworkException.class, "network_error", "The LLM provider could not be reached"),
			new Kind(LlmTruncatedStreamException.class, "truncated_stream",
					"The LLM stream ended before it was complete"),
			new Kind(LlmInvalidResponseException.class, "invalid_response",
					"The LLM provider sent a response that could not be read"),
			new Kind(LlmException.class, "llm_error", "The LLM call failed"));

	/** The application shut down mid-stream: another instance may answer the same request. */
	public static final RelayError SHUTTING_DOWN = new RelayError(503, "server_shutting_down",
			"The server is shutting down; try again");

	static RelayError of(Throwable failure) {
		if (failure instanceof TaskRejectedException) {
			return BUSY;
		}
		if (failure instanceof RelayShutdownException) {
			return SHUTTING_DOWN;
		}
		if (!(failure instanceof LlmException ex)) {
			return INTERNAL;
		}
		if (ex instanceof LlmTimeoutException timeout) {
			// The core builds this message from the kind and the configured duration only.
			return of(ex, timeout.kind().name().toLowerCase(Locale.ROOT) + "_timeout", timeout.getMessage());
		}
		if (ex instanceof LlmApiException && !passedThrough(ex.status())) {
			// A redirect (or any status outside 4xx/5xx) is no answer a client can act on; a 3xx without its
			// Location would even look like one to follow.
			return new RelayError(502, "upstream_status_" + ex.status(),
					"The LLM provider answered HTTP " + ex.status() + ", which the relay does not follow");
		}
		if (ex instanceof LlmApiException) {
			return of(ex, "api_error", "The LLM provider answered HTTP " + ex.status());
		}
		Kind kind = KINDS.stream().filter((candidate) -> candidate.type().isInstance(ex)).findFirst().orElseThrow();
		return of(ex, kind.code(), kind.message());
	}

	/**
	 * Logs a stream the executor refused: at WARN what to set, and the stack trace only at DEBUG, as under load it
	 * would repeat the same lines for every refusal.
	 */
	public static void logRejected(Logger logger, String what, TaskRejectedException ex) {
		logger.warn("{} refused with 503 relay_busy: the task executor has no thread free; on platform threads size "
				+ "spring.task.execution.pool.* for the concurrent streams, or on Java 21+ set "
				+ "spring.threads.virtual.enabled=true", what);
		logger.debug("Task executor rejection", ex);
	}

	/**
	 * Returns whether a relay answers its client with the provider's status as it is: only errors (4xx, 5xx), which
	 * clients know how to handle (retry a 429 or a 503, report a 401); anything else becomes a {@code 502}.
	 * @param status the provider's HTTP status
	 * @return whether the status is relayed as it is
	 */
	static boolean passedThrough(int status) {
		return status >= 400 && status <= 599;
	}

	private static RelayError of(LlmException ex, String defaultCode, String message) {
		int status = ex.status();
		if (status != 0 && !passedThrough(status)) {
			// A typed failure that still carries a 3xx (a redirect the engine refused): a bad gateway to the client.
			status = 502;
		}
		return new RelayError(status, (ex.code() != null) ? ex.code() : defaultCode, message);
	}

	/** Returns the browser format's {@code error} event: this error as its JSON data. */
	public RelayEvent event() {
		return new RelayEvent("error", toJson().toString());
	}

	// A tree rather than a map, so that the wire mapper's inclusion settings cannot drop a null code.
	public ObjectNode toJson() {
		return JsonNodeFactory.instance.objectNode()
			.put("status", this.status)
			.put("code", this.code)
			.put("message", this.message);
	}

	/**
	 * Returns this error as OpenAI's API shapes one, with the status kept for clients that read it:
	 * {@code {"error":{"status":..,"code":..,"message":..,"type":..,"param":null}}}.
	 */
	public ObjectNode toOpenAiJson() {
		ObjectNode error = toJson().put("type", OpenAiRelayEvents.type(this.status)).putNull("param");
		return JsonNodeFactory.instance.objectNode().set("error", error);
	}

	/** A type of failure, the code it gets when the provider gave none, and what to tell the client. */
	private record Kind(Class<? extends LlmException> type, String code, String message) {
	}

}
