package io.echo.llm.web;

import io.echo.llm.LlmException;

/**
 * The application shut down while the stream was live: its client gets a {@code 503 server_shutting_down} error, which
 * it tells from a normal end and may retry on another instance.
 */
final class RelayShutdownException extends LlmException {

	RelayShutdownException() {
		super("The server is shutting down");
	}

	@Override
	public int status() {
		return 503;
	}

	@Override
	public String code() {
		return "server_shutting_down";
	}

}
