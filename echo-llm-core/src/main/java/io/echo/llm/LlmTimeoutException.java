package io.echo.llm;

import java.time.Duration;

/** A timeout fired; the connection was closed. */
public class LlmTimeoutException extends LlmException {

	/** Which timeout fired. */
	public enum Kind {

		/** Opening the TCP (and TLS) connection took too long. */
		CONNECT,

		/** No chunk arrived between sending the request and the deadline; comments and pings do not count. */
		FIRST_CHUNK,

		/** No chunk arrived for too long after the last one; comments, pings and partial events do not count. */
		IDLE,

		/** The whole stream took too long. */
		OVERALL

	}

	private final Kind kind;

	private final Duration timeout;

	public LlmTimeoutException(Kind kind, Duration timeout) {
		super("LLM stream " + kind.name().toLowerCase().replace('_', '-') + " timeout after " + timeout.toMillis()
				+ " ms");
		this.kind = kind;
		this.timeout = timeout;
	}

	public Kind kind() {
		return this.kind;
	}

	public Duration timeout() {
		return this.timeout;
	}

}
