package io.echo.llm.web.resume;

import java.util.Objects;

import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.RelayError;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The endpoints a browser needs for resumable replies, auto-configured with {@code echo.llm.relay.resumable=true}:
 * <ul>
 * <li>{@code GET /api/chat/streams/{streamId}} with the standard {@code Last-Event-ID} header (what
 * {@code EventSource} sends when it reconnects) or {@code ?after=<sequence>}: replays the events after it, then follows
 * the reply live to its end;</li>
 * <li>{@code DELETE /api/chat/streams/{streamId}}: stops the reply, whichever instance runs it.</li>
 * </ul>
 * An unknown or expired stream gets {@code 404} with a JSON body shaped like the {@code error} event:
 * {@code {"status":404,"code":"stream_not_found","message":"..."}}; a {@code Last-Event-ID} past the reply's last event
 * (no such id was ever sent) gets {@code 400 bad_request} at once. A follower whose reply's writer died without
 * finishing it gets a {@code 502 stream_abandoned} error event within about ten seconds
 * ({@link LlmStreamStore#WRITER_LEASE}) instead of keep-alives until the reply expires.
 */
@RestController
@RequestMapping(LlmStreamController.PATH)
public class LlmStreamController {

	/** Path of the endpoints; the stream id follows it. */
	public static final String PATH = "/api/chat/streams";

	private final LlmSseRelay relay;

	/**
	 * Creates the endpoints over a resumable relay.
	 * @param relay the relay
	 */
	public LlmStreamController(LlmSseRelay relay) {
		this.relay = Objects.requireNonNull(relay, "relay");
	}

	/**
	 * Replays then follows a stream.
	 * @param streamId the stream
	 * @param lastEventId the id of the last event the client has, {@code <streamId>:<sequence>}
	 * @param after the sequence of the last event the client has, when it sends no {@code Last-Event-ID}
	 * @return the events after it
	 */
	@GetMapping("/{streamId}")
	public SseEmitter resume(@PathVariable String streamId,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId,
			@RequestParam(name = "after", required = false) @Nullable Long after) {
		return this.relay.resume(streamId, afterSequence(streamId, lastEventId, after));
	}

	/**
	 * Stops a stream.
	 * @param streamId the stream
	 * @return {@code 202 Accepted}: the upstream is cancelled within a second
	 */
	@DeleteMapping("/{streamId}")
	public ResponseEntity<Void> stop(@PathVariable String streamId) {
		if (!this.relay.stop(streamId)) {
			throw new LlmStreamNotFoundException(streamId);
		}
		return ResponseEntity.accepted().build();
	}

	@ExceptionHandler
	ResponseEntity<String> notFound(LlmStreamNotFoundException ex) {
		return error(RelayError.STREAM_NOT_FOUND);
	}

	@ExceptionHandler
	ResponseEntity<String> badRequest(IllegalArgumentException ex) {
		return error(new RelayError(HttpStatus.BAD_REQUEST.value(), "bad_request", ex.getMessage()));
	}

	// A String body with its own content type: the client asked for text/event-stream, which no JSON converter
	// would agree to write.
	private static ResponseEntity<String> error(RelayError error) {
		return ResponseEntity.status(error.status())
			.contentType(MediaType.APPLICATION_JSON)
			.body(error.toJson().toString());
	}

	static long afterSequence(String streamId, @Nullable String lastEventId, @Nullable Long after) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return (after != null) ? requireNotNegative(after) : 0;
		}
		int colon = lastEventId.lastIndexOf(':');
		if (colon >= 0 && !lastEventId.substring(0, colon).equals(streamId)) {
			throw new IllegalArgumentException("Last-Event-ID names another stream than the one in the path");
		}
		try {
			return requireNotNegative(Long.parseLong(lastEventId.substring(colon + 1).trim()));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Last-Event-ID must be '<streamId>:<sequence>'");
		}
	}

	private static long requireNotNegative(long sequence) {
		if (sequence < 0) {
			throw new IllegalArgumentException("A sequence is 0 or more");
		}
		return sequence;
	}

}
