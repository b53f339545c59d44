package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.echo.llm.chat.ChatJson;
import io.echo.llm.sse.SseEvent;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-format relay passes on each {@code data:} payload exactly as the provider sent it: recorded streams of
 * several providers, and odd but valid JSON, replayed byte for byte by a raw loopback upstream through real Tomcat,
 * the relay's real path ({@code LlmSseRelay}, {@code RelayTask}, the engine with its observation listener), and read
 * by a real HTTP client as bytes. Only the usage-only chunk the client did not ask for is left out; a chunk the engine
 * had to change (one that carried the provider's error) is written from its decoded form instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmSseRelayRawBytesTests {

	private static final Path TRANSCRIPTS = Path.of("../echo-llm-core/src/test/resources/fixtures/transcripts");

	/** Recorded streams that end with the provider's error: see the tests of errors below. */
	private static final List<String> ERROR_TRANSCRIPTS = List.of("groq-midstream-error-event.sse",
			"openrouter-processing-comments-midstream-error.sse");

	// Odd but valid: whitespace inside and around the JSON, no space after "data:", field order unlike the
	// records', backslash-u escapes (a surrogate pair, an escaped slash), unknown fields with numbers a serializer would
	// rewrite (1.0e0, -0.0, 1E+2, a big integer), CRLF framing.
	private static final String ODD = "data:   {  \"choices\" : [ { \"finish_reason\" : null , \"delta\" : "
			+ "{ \"content\" : \"caf\\u00e9 \\ud83d\\ude00 \\/ \\\"q\\\"\" } , \"index\" : 0 } ] , \"model\":\"m\" ,"
			+ " \"x_unknown\" : {\"n\":[1.0e0,-0.0,1E+2,123456789012345678901234567890]} , \"id\" : \"odd-1\" }  \r\n"
			+ "\r\n"
			+ "data:{\"id\":\"odd-1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":{\"p\":-1.50e-3},"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":2,\"total_tokens\":3}}\r\n"
			+ "\r\n"
			+ "data: [DONE]\r\n\r\n";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ReplayUpstream upstream;

	private final ConfigurableApplicationContext application;

	LlmSseRelayRawBytesTests() throws IOException {
		this.upstream = new ReplayUpstream();
		for (String name : transcriptNames()) {
			this.upstream.body(name, Files.readAllBytes(TRANSCRIPTS.resolve(name)));
		}
		this.upstream.body("odd", ODD.getBytes(StandardCharsets.UTF_8));
		this.upstream.body("two-lines", ("data: {\"id\":\"a\",\"choices\":[{\"index\":0,\n"
				+ "data: \"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
			.getBytes(StandardCharsets.UTF_8));
		this.application = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.api-key", "sk-test", "echo.llm.retry.max-attempts", "1"));
	}

	@AfterAll
	void stop() throws IOException {
		this.application.close();
		this.upstream.close();
	}

	static List<String> transcriptNames() throws IOException {
		try (Stream<Path> files = Files.list(TRANSCRIPTS)) {
			return files.map((file) -> file.getFileName().toString()).filter((name) -> name.endsWith(".sse")).sorted()
				.toList();
		}
	}

	static Stream<Arguments> completedTranscripts() throws IOException {
		List<Arguments> cases = new ArrayList<>();
		for (String name : transcriptNames()) {
			if (!ERROR_TRANSCRIPTS.contains(name)) {
				cases.add(Arguments.of(name, false));
				cases.add(Arguments.of(name, true));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}, include_usage {1}")
	@MethodSource("completedTranscripts")
	void eachDataPayloadIsRelayedByteForByte(String transcript, boolean includeUsage) throws Exception {
		List<String> relayed = relay(transcript, includeUsage);
		List<String> expected = new ArrayList<>();
		for (SseEvent event : upstreamEvents(transcript)) {
			if (event.data().strip().equals("[DONE]")) {
				break;
			}
			if (includeUsage || !usageOnly(event.data())) {
				expected.add("data: " + event.data());
			}
		}
		expected.add("data: [DONE]");
		assertThat(relayed).containsExactlyElementsOf(expected);
	}

	@Test
	void oddButValidJsonIsRelayedAsTheProviderWroteIt() throws Exception {
		List<String> relayed = relay("odd", false);
		assertThat(relayed).containsExactly(
				"data:   {  \"choices\" : [ { \"finish_reason\" : null , \"delta\" : { \"content\" : "
						+ "\"caf\\u00e9 \\ud83d\\ude00 \\/ \\\"q\\\"\" } , \"index\" : 0 } ] , \"model\":\"m\" ,"
						+ " \"x_unknown\" : {\"n\":[1.0e0,-0.0,1E+2,123456789012345678901234567890]} ,"
						+ " \"id\" : \"odd-1\" }  ",
				"data: {\"id\":\"odd-1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":{\"p\":-1.50e-3},"
						+ "\"finish_reason\":\"stop\"}],\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":2,"
						+ "\"total_tokens\":3}}",
				"data: [DONE]");
	}

	@Test
	void dataOverSeveralLinesIsRelayedAsOneLineOfTheSameJson() throws Exception {
		List<String> relayed = relay("two-lines", false);
		assertThat(relayed).hasSize(2).endsWith("data: [DONE]");
		assertThat(ChatJson.mapper().readTree(relayed.get(0).substring("data: ".length()))).isEqualTo(ChatJson.mapper()
			.readTree("{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}"));
	}

	@Test
	void usageChunkIsRelayedVerbatimOnlyWhenTheClientAskedForIt() throws Exception {
		String transcript = "openai-gpt4o-mini-tool-call-include-usage.sse";
		String usageChunk = upstreamEvents(transcript).stream()
			.map(SseEvent::data)
			.filter(LlmSseRelayRawBytesTests::usageOnly)
			.findFirst()
			.orElseThrow();
		List<String> asked = relay(transcript, true);
		assertThat(asked.get(asked.size() - 2)).isEqualTo("data: " + usageChunk);
		List<String> notAsked = relay(transcript, false);
		assertThat(notAsked).doesNotContain("data: " + usageChunk).hasSize(asked.size() - 1);
	}

	@Test
	void errorEventAfterChunksKeepsTheChunksVerbatimThenEndsWithAnOpenAiError() throws Exception {
		String transcript = "groq-midstream-error-event.sse";
		List<String> relayed = relay(transcript, false);
		List<String> chunks = upstreamEvents(transcript).stream()
			.filter((event) -> event.event().equals(SseEvent.DEFAULT_EVENT))
			.map((event) -> "data: " + event.data())
			.toList();
		assertThat(chunks).isNotEmpty();
		assertThat(relayed.subList(0, chunks.size())).containsExactlyElementsOf(chunks);
		assertOpenAiError(relayed.subList(chunks.size(), relayed.size()));
	}

	@Test
	void chunkCarryingAnErrorIsRelayedWithoutItThenEndsWithAnOpenAiError() throws Exception {
		String transcript = "openrouter-processing-comments-midstream-error.sse";
		List<String> relayed = relay(transcript, false);
		List<String> upstreamData = upstreamEvents(transcript).stream().map(SseEvent::data).toList();
		int last = upstreamData.indexOf("[DONE]") - 1;
		String withError = upstreamData.get(last);
		assertThat(withError).contains("\"error\"");
		List<String> before = upstreamData.subList(0, last).stream().map((data) -> "data: " + data).toList();
		assertThat(relayed.subList(0, before.size())).containsExactlyElementsOf(before);
		// The chunk with the error is not what the provider sent once its error is taken out: written from the
		// decoded chunk, every other field kept; the error follows as the relay's own error event.
		ObjectNode expected = (ObjectNode) ChatJson.mapper().readTree(withError);
		expected.remove("error");
		String rewritten = relayed.get(before.size());
		assertThat(rewritten).startsWith("data: ").doesNotContain("Token limit");
		assertThat(ChatJson.mapper().readTree(rewritten.substring(6))).isEqualTo(expected);
		assertOpenAiError(relayed.subList(before.size() + 1, relayed.size()));
	}

	private static void assertOpenAiError(List<String> tail) {
		assertThat(tail).hasSize(2);
		assertThat(tail.get(0)).isEqualTo("event: error");
		JsonNode error = ChatJson.mapper().readTree(tail.get(1).substring("data: ".length())).path("error");
		assertThat(error.path("message").asString())
			.isEqualTo("The LLM provider reported an error during the stream");
		assertThat(error.path("type").isString()).isTrue();
		assertThat(error.has("param")).isTrue();
	}

	private static boolean usageOnly(String data) {
		JsonNode chunk = ChatJson.mapper().readTree(data);
		return chunk.path("usage").isObject() && chunk.path("choices").isEmpty();
	}

	private static List<SseEvent> upstreamEvents(String transcript) throws IOException {
		List<SseEvent> events = new ArrayList<>();
		SseParser parser = new SseParser(events::add);
		byte[] body = transcript.equals("odd") ? ODD.getBytes(StandardCharsets.UTF_8)
				: Files.readAllBytes(TRANSCRIPTS.resolve(transcript));
		parser.feed(body, 0, body.length);
		// As the engine does: a recorded body may end without the blank line after its last event.
		parser.finishAndDispatchPending();
		return events;
	}

	/**
	 * Relays the transcript and returns the lines of the response other than blank ones and comments, decoded from the bytes
	 * on the wire as UTF-8 (so equal strings are equal bytes: the transcripts are valid UTF-8).
	 */
	private List<String> relay(String transcript, boolean includeUsage) throws Exception {
		String options = includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "";
		String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"replay " + transcript + "\"}]"
				+ options + "}";
		URI uri = URI.create("http://127.0.0.1:" + RelayTestApplication.port(this.application) + "/api/chat/openai");
		HttpResponse<byte[]> response = this.http.send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.statusCode()).isEqualTo(200);
		String body = new String(response.body(), StandardCharsets.UTF_8);
		assertThat(body).doesNotContain("\r");
		// Heartbeat comments come when the relay waits long enough, which depends on the machine's load.
		return List.of(body.split("\n")).stream().filter((line) -> !line.isEmpty() && !line.startsWith(":")).toList();
	}

}
