package io.echo.llm;

import org.jspecify.annotations.Nullable;

/** I/O failure talking to the provider: connection refused or reset, TLS failure, stream cut mid-read. */
public class LlmNetworkException extends LlmException {

	public LlmNetworkException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
