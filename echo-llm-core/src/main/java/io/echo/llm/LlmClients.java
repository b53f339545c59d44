package io.echo.llm;

import java.util.Set;

/** The named clients configured under {@code echo.llm.clients.<name>}. */
public interface LlmClients {

	/**
	 * Returns the client with the given name.
	 * @throws IllegalArgumentException when no client has that name; the message lists the known names
	 */
	LlmStreamService get(String name);

	/** Names of the configured clients. */
	Set<String> names();

}
