package io.echo.llm;

/** The stream ended with neither {@code [DONE]} nor a finish reason on every choice; what arrived was delivered. */
public class LlmTruncatedStreamException extends LlmException {

	public LlmTruncatedStreamException(String message) {
		super(message);
	}

}
