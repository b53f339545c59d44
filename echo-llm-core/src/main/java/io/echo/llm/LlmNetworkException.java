package io.echo.llm;

import org.jspecify.annotations.Nullable;

/**
 * I/O failure talking to the provider before any chunk was handed out: connection refused or reset, TLS failure, a
 * body cut before its first chunk. A stream cut after chunks is an {@link LlmTruncatedStreamException}.
 */
public class LlmNetworkException extends LlmException {

	public LlmNetworkException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
