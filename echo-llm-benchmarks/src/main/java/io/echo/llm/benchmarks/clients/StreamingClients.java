package io.echo.llm.benchmarks.clients;

import java.net.http.HttpClient;
import java.util.List;

import org.springframework.http.client.JdkClientHttpRequestFactory;
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
			// The engine's default: Apache HttpClient 5, which is on this module's class path.
			case "echo-llm" -> new EchoLlmClient(baseUrl, null);
			// The engine over the JDK HttpClient: its default without httpclient5 (and before it was the default).
			case "echo-llm-jdk" -> new EchoLlmClient(baseUrl, jdkRequestFactory());
			// Experiment: the engine over HttpURLConnection (blocking socket reads, but no abort at once).
			case "echo-llm-urlconnection" -> new EchoLlmClient(baseUrl, new SimpleClientHttpRequestFactory());
			case "openai-java" -> new OpenAiJavaClient(baseUrl);
			case "spring-ai" -> new SpringAiClient(baseUrl);
			case "langchain4j" -> new LangChain4jClient(baseUrl);
			default -> throw new IllegalArgumentException("Unknown client '" + name + "'; known: " + NAMES);
		};
	}

	/** As the engine builds it: no compression, so that no inflater buffers between the socket and the reader. */
	private static JdkClientHttpRequestFactory jdkRequestFactory() {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newHttpClient());
		factory.enableCompression(false);
		return factory;
	}

}
