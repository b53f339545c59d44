package io.echo.llm.benchmarks.clients;

import java.util.List;

import org.springframework.http.client.SimpleClientHttpRequestFactory;

/** The clients under test, by name. */
public final class StreamingClients {

	/** Every client, ours first. */
	public static final List<String> NAMES = List.of("echo-llm", "openai-java", "spring-ai", "langchain4j");

	private StreamingClients() {
	}

	/** Creates the named client pointed at {@code baseUrl} (for instance {@code http://127.0.0.1:1234/v1}). */
	public static StreamingClient create(String name, String baseUrl) {
		return switch (name) {
			case "echo-llm" -> new EchoLlmClient(baseUrl, null);
			// Experiment: the engine over HttpURLConnection (blocking socket reads on the caller's thread).
			case "echo-llm-urlconnection" -> new EchoLlmClient(baseUrl, new SimpleClientHttpRequestFactory());
			case "openai-java" -> new OpenAiJavaClient(baseUrl);
			case "spring-ai" -> new SpringAiClient(baseUrl);
			case "langchain4j" -> new LangChain4jClient(baseUrl);
			default -> throw new IllegalArgumentException("Unknown client '" + name + "'; known: " + NAMES);
		};
	}

}
