package io.echo.llm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static io.echo.llm.sample.JsonAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started as {@code java -jar app.jar --echo.llm.api-key=sk-...}, with the actuator on the class path and
 * every endpoint exposed: no endpoint shows the key, in any form, whether values are hidden (Boot's default) or shown.
 * The JVM puts the command line in the system property {@code sun.java.command}, which {@code /actuator/env} lists;
 * under surefire that is the test runner's command, so the test sets it as the real launch would.
 */
@Timeout(120)
class ActuatorKeyTests {

	private static final String KEY = "sk-proj-Zx81QpLm4NvT7rW2yK9bC3dF";

	private static final String NAMED_KEY = "sk-named-Hq3Vt9LmP2wX7cR4";

	// A heap dump holds every string of the JVM, the key included: it is a file to guard like the key itself.
	private static final Set<String> NOT_SCANNED = Set.of("heapdump", "shutdown");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@ParameterizedTest(name = "show-values={0}")
	@ValueSource(strings = { "never", "always" })
	void noEndpointShowsTheKeyGivenOnTheCommandLine(String showValues) throws Exception {
		String[] args = { "--echo.llm.api-key=" + KEY, "--echo.llm.clients.named.api-key=" + NAMED_KEY,
				"--server.port=0", "--spring.main.banner-mode=off", "--management.endpoints.web.exposure.include=*",
				"--management.endpoint.env.show-values=" + showValues,
				"--management.endpoint.configprops.show-values=" + showValues,
				"--management.endpoint.quartz.show-values=" + showValues };
		String previous = System.getProperty("sun.java.command");
		System.setProperty("sun.java.command", "io.echo.llm.sample.EchoLlmSampleApplication " + String.join(" ", args));
		try (ConfigurableApplicationContext application = SpringApplication.run(EchoLlmSampleApplication.class,
				args)) {
			String base = "http://127.0.0.1:" + application.getEnvironment().getProperty("local.server.port");
			List<String> scanned = new ArrayList<>();
			for (String path : endpoints(base)) {
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(base + path))
					.timeout(Duration.ofSeconds(30))
					.build(), BodyHandlers.ofString());
				assertNoKey(path, response.body());
				scanned.add(path + " " + response.statusCode());
			}
			assertThat(scanned).contains("/actuator/env 200", "/actuator/configprops 200",
					"/actuator/env/sun.java.command 200");
		}
		finally {
			if (previous != null) {
				System.setProperty("sun.java.command", previous);
			}
			else {
				System.clearProperty("sun.java.command");
			}
		}
	}

	/** Every endpoint {@code /actuator} lists, and the templated ones for the properties that hold the key. */
	private List<String> endpoints(String base) throws Exception {
		HttpResponse<String> index = this.http.send(HttpRequest.newBuilder(URI.create(base + "/actuator")).build(),
				BodyHandlers.ofString());
		assertThat(index.statusCode()).isEqualTo(200);
		List<String> paths = new ArrayList<>(List.of("/actuator"));
		for (Map.Entry<String, JsonNode> link : json(index.body()).get("_links").properties()) {
			if (!link.getValue().path("templated").asBoolean() && !NOT_SCANNED.contains(link.getKey())
					&& !link.getKey().equals("self")) {
				paths.add(URI.create(link.getValue().get("href").asString()).getPath());
			}
		}
		paths.addAll(List.of("/actuator/env/sun.java.command", "/actuator/env/echo.llm.api-key",
				"/actuator/env/echo.llm.clients.named.api-key", "/actuator/configprops/echo.llm"));
		return paths;
	}

	/** No run of 8 characters of either key, even JSON-escaped. */
	private static void assertNoKey(String path, String body) {
		String decoded = body.replace("\\u002d", "-").replace("\\u002D", "-");
		for (String key : List.of(KEY, NAMED_KEY)) {
			for (int start = 0; start + 8 <= key.length(); start++) {
				assertThat(decoded).as(path).doesNotContain(key.substring(start, start + 8));
			}
		}
	}

}
