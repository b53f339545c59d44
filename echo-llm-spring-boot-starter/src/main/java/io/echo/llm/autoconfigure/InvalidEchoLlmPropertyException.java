package io.echo.llm.autoconfigure;

import java.util.Objects;

/**
 * An {@code echo.llm.*} property has a value echo-llm cannot work with. Thrown at start-up;
 * {@link EchoLlmFailureAnalyzer} turns it into a report naming the key, the value and what to do.
 * <p>
 * The value in the message is already made safe: API keys and header values are never part of it, and a URL loses
 * its user info.
 */
public class InvalidEchoLlmPropertyException extends IllegalStateException {

	private final String key;

	private final String value;

	private final String reason;

	/**
	 * Creates an exception for the given property.
	 * @param key full property name, for instance {@code echo.llm.clients.local.base-url}
	 * @param value the offending value, safe to show
	 * @param reason what the value must be, for instance {@code "must be at least 1"}
	 */
	public InvalidEchoLlmPropertyException(String key, String value, String reason) {
		super("Invalid value '" + value + "' for " + key + ": " + reason);
		this.key = Objects.requireNonNull(key, "key");
		this.value = Objects.requireNonNull(value, "value");
		this.reason = Objects.requireNonNull(reason, "reason");
	}

	/** Full name of the property, for instance {@code echo.llm.retry.max-attempts}. */
	public String getKey() {
		return this.key;
	}

	/** Offending value as shown to the user (secrets removed). */
	public String getValue() {
		return this.value;
	}

	/** What a valid value looks like. */
	public String getReason() {
		return this.reason;
	}

}
