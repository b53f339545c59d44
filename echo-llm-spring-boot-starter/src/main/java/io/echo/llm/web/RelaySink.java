package io.echo.llm.web;

import java.io.IOException;

/**
 * Where a {@link RelayTask} writes its events: the HTTP response, or the resumable relay's store in front of it.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public interface RelaySink {

	/**
	 * Writes one event.
	 * @throws IOException when the client is gone; the relay then cancels the upstream
	 */
	void send(RelayEvent event) throws IOException;

	/** Ends the response normally after the last event. */
	void complete();

}
