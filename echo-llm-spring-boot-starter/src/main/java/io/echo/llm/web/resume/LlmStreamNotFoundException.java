package io.echo.llm.web.resume;

/**
 * Thrown when a stream id is unknown to the {@link LlmStreamStore}: never created, or finished longer ago than the
 * retention period.
 */
public class LlmStreamNotFoundException extends RuntimeException {

	private final String streamId;

	/**
	 * Creates an exception for the given stream.
	 * @param streamId the stream that was not found
	 */
	public LlmStreamNotFoundException(String streamId) {
		super("No stream '" + streamId + "': it is unknown or expired (finished streams are kept for "
				+ "echo.llm.relay.retention)");
		this.streamId = streamId;
	}

	/** Returns the id that was not found. */
	public String streamId() {
		return this.streamId;
	}

}
