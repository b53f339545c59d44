package io.echo.llm.autoconfigure;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration processor documents every key for IDE completion, with its default. */
class ConfigurationMetadataTests {

	private static final Map<String, JsonNode> properties = new HashMap<>();

	@BeforeAll
	static void readGeneratedMetadata() throws IOException, URISyntaxException {
		// The file this module's build generated, not one of the other jars' on the class path.
		Path classes = Path.of(EchoLlmProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path metadata = classes.resolve("META-INF/spring-configuration-metadata.json");
		JsonNode root = JsonMapper.builder().build().readTree(Files.readString(metadata));
		root.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			echo.llm.enabled                 | true
			echo.llm.base-url                | https://api.openai.com/v1
			echo.llm.api-key                 | -
			echo.llm.model                   | -
			echo.llm.headers                 | -
			echo.llm.timeouts.connect        | 10s
			echo.llm.timeouts.first-chunk    | 30s
			echo.llm.timeouts.idle           | 60s
			echo.llm.timeouts.overall        | 0
			echo.llm.retry.max-attempts      | 3
			echo.llm.retry.initial-backoff   | 500ms
			echo.llm.retry.max-backoff       | 8s
			echo.llm.retry.max-retry-after   | 60s
			echo.llm.stream.max-event-size   | 4MB
			echo.llm.stream.include-usage    | true
			echo.llm.clients                 | -
			""")
	void keyIsDocumentedWithItsDefault(String key, String defaultValue) {
		assertThat(properties).containsKey(key);
		JsonNode property = properties.get(key);
		assertThat(property.path("description").asString("")).as("description of %s", key).isNotBlank();
		if (defaultValue != null) {
			assertThat(property.path("defaultValue").asString()).isEqualTo(defaultValue);
		}
		else {
			assertThat(property.has("defaultValue")).as("%s has no default", key).isFalse();
		}
	}

}
