package io.echo.llm.sample.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points {@code echo.llm.base-url} at the embedded {@link DemoProvider} when nothing else sets it (no
 * {@code ECHO_LLM_BASE_URL}, no {@code application.yml} entry, no command-line argument).
 * <p>
 * The URL is {@code http://127.0.0.1:${server.port:8080}${server.servlet.context-path:}/demo/v1}, resolved when the
 * echo-llm client is built. With {@code server.port=0} (a random port, as in tests) the port is not known until the
 * server has started, so the URL keeps port 0 and {@link DemoBaseUrlInterceptor} puts the real port in at request
 * time.
 */
public class DemoProviderEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source this adds, with the lowest precedence. */
	public static final String PROPERTY_SOURCE = "echoLlmDemoProvider";

	/** {@code echo.llm.base-url} of the demo provider before placeholders are resolved. */
	public static final String BASE_URL = "http://127.0.0.1:${server.port:8080}${server.servlet.context-path:}"
			+ DemoProvider.PATH;

	private static final String BASE_URL_KEY = "echo.llm.base-url";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(BASE_URL_KEY)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put(BASE_URL_KEY, BASE_URL);
		// demo:stall should end in an error people can watch, not after the usual minute.
		defaults.put("echo.llm.timeouts.idle", "8s");
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, defaults));
	}

	// After application.yml and profiles are loaded, so that a base URL set there counts.
	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

}
