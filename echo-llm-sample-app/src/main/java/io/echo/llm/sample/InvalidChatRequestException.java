package io.echo.llm.sample;

/** A request body the sample does not send on; its message says why and goes back to the caller. */
class InvalidChatRequestException extends RuntimeException {

	InvalidChatRequestException(String reason) {
		super("Invalid request: " + reason);
	}

}
