package io.echo.llm.sample;

import java.net.URI;
import java.net.URISyntaxException;

import io.echo.llm.autoconfigure.EchoLlmProperties;
import io.echo.llm.sample.demo.DemoProvider;
import io.echo.llm.sample.demo.DemoProviderEnvironmentPostProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Says at start-up where the page is and which LLM provider answers: the embedded demo or a configured one (its URL
 * without credentials, its model, and whether an API key is set, never the key).
 */
@Component
class ProviderStartupLog {

	private static final Logger logger = LoggerFactory.getLogger(ProviderStartupLog.class);

	private final EchoLlmProperties properties;

	private final ConfigurableEnvironment environment;

	ProviderStartupLog(EchoLlmProperties properties, ConfigurableEnvironment environment) {
		this.properties = properties;
		this.environment = environment;
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		String port = this.environment.getProperty("local.server.port", "8080");
		logger.info("Chat page on http://localhost:{}/ and OpenAI-compatible relay on http://localhost:{}/v1", port,
				port);
		logger.info(describeProvider(port));
	}

	String describeProvider(String port) {
		if (usesDemoProvider()) {
			// Port 0 stands for this application's own port, known now.
			String url = this.properties.getBaseUrl().replace("127.0.0.1:0/", "127.0.0.1:" + port + "/");
			if (StringUtils.hasText(this.properties.getApiKey())) {
				// A key alone does not leave the demo: say so, or whoever set only the key wonders why the answers
				// are canned.
				return "LLM provider: the embedded demo provider at " + url + " (no network). An API key is set "
						+ "but no base URL: set ECHO_LLM_BASE_URL too (https://api.openai.com/v1 for OpenAI) "
						+ "to use it.";
			}
			return "LLM provider: the embedded demo provider at " + url + " (no network, no API key). Set "
					+ "ECHO_LLM_BASE_URL, ECHO_LLM_API_KEY and ECHO_LLM_MODEL to talk to a real one.";
		}
		String model = this.properties.getModel();
		return "LLM provider: " + withoutCredentials(this.properties.getBaseUrl()) + ", model "
				+ (StringUtils.hasText(model) ? model : "(none set: each request must name one)") + ", API key "
				+ (StringUtils.hasText(this.properties.getApiKey()) ? "set" : "not set");
	}

	private boolean usesDemoProvider() {
		return this.environment.getPropertySources().contains(DemoProviderEnvironmentPostProcessor.PROPERTY_SOURCE)
				&& this.properties.getBaseUrl().endsWith(DemoProvider.PATH);
	}

	// User info and query strings can carry secrets.
	static String withoutCredentials(String url) {
		try {
			URI uri = new URI(url);
			return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return "(an invalid URL)";
		}
	}

}
