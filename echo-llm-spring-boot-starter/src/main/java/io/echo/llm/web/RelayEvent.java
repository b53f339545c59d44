package io.echo.llm.web;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One server-sent event as the relay writes it: an optional event name and one line of data (JSON, or
 * {@code [DONE]}). Producing events ({@link RelayEvents}) is kept apart from writing them so that a store can record
 * and replay the same events.
 *
 * @param name event name, or {@code null} for an unnamed ({@code message}) event
 * @param data data of the event, on one line
 */
public record RelayEvent(@Nullable String name, String data) {

	public RelayEvent {
		Objects.requireNonNull(data, "data");
		if (hasLineBreak(name) || hasLineBreak(data)) {
			throw new IllegalArgumentException("An event name or data must not contain a line break");
		}
	}

	/**
	 * Returns the event in the {@code text/event-stream} format, ending with the blank line that dispatches it.
	 * @param id value of the {@code id:} field, or {@code null} for none
	 * @return the event's text
	 */
	public String toSse(@Nullable String id) {
		StringBuilder sse = new StringBuilder(this.data.length() + 32);
		if (id != null) {
			if (hasLineBreak(id)) {
				throw new IllegalArgumentException("An event id must not contain a line break");
			}
			sse.append("id: ").append(id).append('\n');
		}
		if (this.name != null) {
			sse.append("event: ").append(this.name).append('\n');
		}
		return sse.append("data: ").append(this.data).append("\n\n").toString();
	}

	private static boolean hasLineBreak(@Nullable String value) {
		return value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0);
	}

}
