package io.echo.llm.boot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.echo.llm.LlmClients;
import io.echo.llm.LlmStreamService;

/**
 * {@link LlmClients} over the services built from {@code echo.llm.clients.<name>}, in configuration order.
 * <p>
 * Public for the auto-configuration in {@code io.echo.llm.autoconfigure}; not API, it may change in any release.
 */
public final class DefaultLlmClients implements LlmClients {

	private final Map<String, LlmStreamService> clients;

	public DefaultLlmClients(Map<String, LlmStreamService> clients) {
		this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
	}

	@Override
	public LlmStreamService get(String name) {
		Objects.requireNonNull(name, "name");
		LlmStreamService client = this.clients.get(name);
		if (client == null) {
			throw new IllegalArgumentException("No LLM client named '" + name + "'; "
					+ (this.clients.isEmpty() ? "none is configured under echo.llm.clients"
							: "the clients configured under echo.llm.clients are " + this.clients.keySet()));
		}
		return client;
	}

	@Override
	public Set<String> names() {
		return this.clients.keySet();
	}

	@Override
	public String toString() {
		return "LlmClients" + this.clients.keySet();
	}

}
