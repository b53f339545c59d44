package io.echo.llm.web.resume;

/**
 * Thrown when the {@link LlmStreamStore} cannot take another stream because every slot holds a stream that is still
 * being written.
 */
public class LlmStreamStoreFullException extends RuntimeException {

	/**
	 * Creates an exception with the given message.
	 * @param message what is full and which setting raises the limit
	 */
	public LlmStreamStoreFullException(String message) {
		super(message);
	}

}
