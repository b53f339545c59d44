package io.echo.llm;

import org.jspecify.annotations.Nullable;

/** The provider's answer could not be understood: a body that is not a completion, an event over the size limit. */
public class LlmInvalidResponseException extends LlmException {

	public LlmInvalidResponseException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
