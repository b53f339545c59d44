package io.echo.llm.web.resume;

import java.time.Duration;

/**
 * Thrown to a follower of a stream that is not finished and whose writer neither appended an event nor
 * {@linkplain LlmStreamStore#keepAlive kept it alive} for the store's writer lease: the instance writing it stopped
 * (crashed, lost the store) without finishing it, so no event will ever come. Without it the follower would wait until
 * the stream expires.
 */
public class LlmStreamAbandonedException extends RuntimeException {

	private final String streamId;

	/**
	 * Creates an exception for the given stream.
	 * @param streamId the abandoned stream
	 * @param writerLease how long the store waits for a sign of the writer
	 */
	public LlmStreamAbandonedException(String streamId, Duration writerLease) {
		super("Stream '" + streamId + "' is abandoned: its writer sent nothing for " + writerLease
				+ " and did not finish it");
		this.streamId = streamId;
	}

	/** Returns the abandoned stream's id. */
	public String streamId() {
		return this.streamId;
	}

}
