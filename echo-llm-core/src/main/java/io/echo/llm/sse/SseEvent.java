package io.echo.llm.sse;

import java.util.Objects;

/**
 * One event dispatched by an {@link SseParser}, as the WHATWG HTML "interpreting an event stream" rules define it.
 *
 * @param event the event type: {@code "message"} when the block set none (or set it empty)
 * @param data the data lines of the block, joined with LF
 * @param id the stream's last event ID at dispatch time: it persists across events and is {@code ""} when never set
 */
public record SseEvent(String event, String data, String id) {

	/** Type of an event whose block has no {@code event:} field. */
	public static final String DEFAULT_EVENT = "message";

	public SseEvent {
		Objects.requireNonNull(event, "event");
		Objects.requireNonNull(data, "data");
		Objects.requireNonNull(id, "id");
	}

}
