package io.echo.llm.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.echo.llm.LlmApiException;
import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClients;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.ChatMessage;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay in a running application: real Tomcat, a real HTTP client, the real engine against a loopback upstream
 * configured through {@code relay-test.yml}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.config.name=relay-test")
class LlmSseRelayIntegrationTests {

	private static final SseUpstream upstream = startUpstream();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamPort(DynamicPropertyRegistry registry) {
		registry.add("upstream.port", upstream::port);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@Test
	void browserFormatIsNamedEventsWithSmallJson() throws Exception {
		List<RelayEvent> events = post("/chat?format=BROWSER", "script");
		assertThat(events).containsExactly(new RelayEvent("reasoning", "{\"text\":\"Think\"}"),
				new RelayEvent("token", "{\"text\":\"Hel\"}"), new RelayEvent("token", "{\"text\":\"lo \u00e9\"}"),
				new RelayEvent("tool_call",
						"{\"index\":0,\"id\":\"call_1\",\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}"),
				new RelayEvent("tool_call",
						"{\"index\":0,\"id\":null,\"name\":null,\"arguments\":\"\\\"UTC\\\"}\"}"),
				new RelayEvent("usage", "{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}"),
				new RelayEvent("done", "{\"finish_reason\":\"tool_calls\"}"));
	}

	@Test
	void openAiFormatIsTheChunksThenDone() throws Exception {
		List<RelayEvent> events = post("/chat?format=OPENAI", "script");
		// The script's last chunk is usage only: this client did not ask for it (stream_options), so it is left out.
		assertThat(events).hasSize(SseUpstream.SCRIPT.size());
		assertThat(events).allSatisfy((event) -> assertThat(event.name()).isNull());
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		List<JsonNode> chunks = events.subList(0, events.size() - 1)
			.stream()
			.map((event) -> ChatJson.mapper().readTree(event.data()))
			.toList();
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> text.append(chunk.path("choices").path(0).path("delta").path("content").asString("")));
		assertThat(text).hasToString("Hello \u00e9");
		assertThat(chunks.get(4).path("choices").path(0).path("delta").path("tool_calls").path(0).path("function")
			.path("name").asString()).isEqualTo("get_time");
		assertThat(chunks.get(6).path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.path("choices").isEmpty()).isFalse());
	}

	@Test
	void providerErrorBecomesAnErrorEventWithoutTheProvidersText() throws Exception {
		List<RelayEvent> events = post("/chat?format=BROWSER", "rate-limit");
		assertThat(events).containsExactly(new RelayEvent("error",
				"{\"status\":429,\"code\":\"rate_limit_exceeded\",\"message\":\"The LLM provider answered HTTP 429\"}"));
	}

	@Test
	void errorAfterTokensKeepsTheTokensThenEndsWithTheErrorEvent() throws Exception {
		List<RelayEvent> events = post("/chat?format=BROWSER", "fail-midway");
		assertThat(events).containsExactly(new RelayEvent("token", "{\"text\":\"Hel\"}"),
				new RelayEvent("token", "{\"text\":\"lo\"}"), new RelayEvent("error", "{\"status\":0,"
						+ "\"code\":\"overloaded\",\"message\":\"The LLM provider reported an error during the stream\"}"));
	}

	@Test
	void providerErrorIsLoggedOnceAtInfoWithoutTheProvidersText() throws Exception {
		Logger relayLogger = (Logger) LoggerFactory.getLogger(RelayLog.class);
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		relayLogger.addAppender(logs);
		try {
			post("/chat?format=BROWSER", "rate-limit");
		}
		finally {
			relayLogger.detachAppender(logs);
		}
		assertThat(logs.list).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage()).startsWith("LLM stream req_")
				.contains("failed (LlmApiException status 429 code rate_limit_exceeded): client 127.0.0.1:")
				.contains("connecting, after ")
				.doesNotContain("Rate limit"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/chat-with-status", "/chat-after-status" })
	void statusRelayAnswersTheProvidersStatusBeforeTheStreamStartsOrTheChunks(String path) throws Exception {
		HttpResponse<String> failed = this.http.send(request(path, "rate-limit"), BodyHandlers.ofString());
		assertThat(failed.statusCode()).isEqualTo(429);
		assertThat(failed.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(MediaType.parseMediaType(type).isCompatibleWith(MediaType.APPLICATION_JSON))
					.isTrue());
		assertThat(failed.body()).isEqualTo("{\"status\":429}");

		List<RelayEvent> events = post(path, "script");
		assertThat(events).hasSize(SseUpstream.SCRIPT.size());
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
	}

	@Test
	void providerErrorInOpenAiFormatIsAnErrorObjectTheSdksRaise() throws Exception {
		List<RelayEvent> events = post("/chat?format=OPENAI", "rate-limit");
		assertThat(events).containsExactly(new RelayEvent("error", "{\"error\":{\"status\":429,"
				+ "\"code\":\"rate_limit_exceeded\",\"message\":\"The LLM provider answered HTTP 429\","
				+ "\"type\":\"rate_limit_error\",\"param\":null}}"));
	}

	@Test
	void clientGoneClosesTheUpstreamWithinOneSecond() throws Exception {
		upstream.resetClosed();
		HttpRequest request = request("/chat?format=BROWSER", "endless");
		HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			assertThat(nextField(reader)).isEqualTo("event: token");
			assertThat(nextField(reader)).startsWith("data: {\"text\":\"t0 \"}");
		}
		// Closing the body stream closed the connection (JDK HttpClient on HTTP/1.1).
		assertThat(upstream.closed().await(1, TimeUnit.SECONDS)).as("upstream saw the close within 1 s").isTrue();
	}

	@Test
	void emitterTimeoutClosesTheUpstreamWithinOneSecond() throws Exception {
		upstream.resetClosed();
		HttpRequest request = request("/chat-with-timeout?format=BROWSER", "stall");
		HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			assertThat(nextField(reader)).isEqualTo("event: token");
			assertThat(nextField(reader)).isEqualTo("data: {\"text\":\"first\"}");
			// The relay's emitter times out after 300 ms; from then the upstream has 1 s to see the close.
			assertThat(upstream.closed().await(1300, TimeUnit.MILLISECONDS)).as("upstream saw the close").isTrue();
		}
	}

	@Test
	void emitterTimeoutStopsACallWaitingToRetry(@Autowired RecordingListener calls) throws Exception {
		int requestsBefore = upstream.requestBodies().size();
		HttpRequest request = request("/chat-with-timeout?format=BROWSER&client=patient", "retry-later");
		this.http.send(request, BodyHandlers.discarding());
		// The server asked to wait 5 s before the second attempt; the emitter timed out after 300 ms and the relay
		// interrupted the back-off, which is a cancel, not a failure.
		assertThat(calls.awaitEnd("patient", Duration.ofMillis(1300))).isEqualTo("patient:CANCELLED");
		assertThat(upstream.requestBodies()).as("no second attempt").hasSize(requestsBefore + 1);
	}

	@Test
	void namedClientIsRelayedWithItsOwnSettings() throws Exception {
		List<RelayEvent> events = post("/clients/second/chat?format=BROWSER", "script");
		assertThat(events).last().isEqualTo(new RelayEvent("done", "{\"finish_reason\":\"tool_calls\"}"));
		String body = upstream.requestBodies().get(upstream.requestBodies().size() - 1);
		assertThat(ChatJson.mapper().readTree(body).path("model").asString()).isEqualTo("second-model");
		var headers = upstream.requestHeaders().get(upstream.requestHeaders().size() - 1);
		assertThat(headers.getFirst("Authorization")).isEqualTo("Bearer sk-second-client-secret");
		assertThat(headers.getFirst("X-Client")).isEqualTo("second");
		assertThat(headers.getFirst("api-key")).as("inherited header").isEqualTo("header-secret-value");
	}

	@Test
	void bootsRestClientCustomizersApplyToLlmCalls() throws Exception {
		post("/chat?format=BROWSER", "script");
		var headers = upstream.requestHeaders().get(upstream.requestHeaders().size() - 1);
		assertThat(headers.getFirst("X-Customized")).isEqualTo("by-a-RestClientCustomizer");
		assertThat(headers.getFirst("Authorization")).isEqualTo("Bearer sk-relay-test-top-secret");
	}

	@Test
	void callsAreObservedThroughBootsRegistries(@Autowired MeterRegistry meters) throws Exception {
		post("/chat?format=BROWSER", "rate-limit");
		assertThat(meters.get("gen_ai.client.operation")
			.tag("echo.llm.client", "default")
			.tag("gen_ai.request.model", "relay-model")
			.tag("error.type", "api_error")
			.timer()
			.count()).isPositive();
	}

	@Test
	void completeRecordsTheReportedTokenUsage(@Autowired LlmStreamService service, @Autowired MeterRegistry meters) {
		service.complete(ChatCompletionRequest.builder()
			.model("complete-model")
			.message(ChatMessage.user("complete-me"))
			.build());
		assertThat(meters.get("gen_ai.client.token.usage")
			.tag("gen_ai.request.model", "complete-model")
			.tag("gen_ai.token.type", "input")
			.summary()
			.totalAmount()).isEqualTo(5);
		assertThat(meters.get("gen_ai.client.token.usage")
			.tag("gen_ai.request.model", "complete-model")
			.tag("gen_ai.token.type", "output")
			.summary()
			.totalAmount()).isEqualTo(7);
	}

	@Test
	void actuatorMasksKeysAndHeadersEvenWhenShowingValues() throws Exception {
		for (String endpoint : List.of("/actuator/configprops", "/actuator/env")) {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + endpoint)).build(),
					BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).as(endpoint)
				.contains("relay-model")
				.doesNotContain("sk-relay-test-top-secret")
				.doesNotContain("sk-second-client-secret")
				.doesNotContain("header-secret-value");
		}
	}

	private List<RelayEvent> post(String path, String prompt) throws IOException, InterruptedException {
		HttpResponse<Stream<String>> response = this.http.send(request(path, prompt), BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(MediaType.parseMediaType(type).isCompatibleWith(MediaType.TEXT_EVENT_STREAM))
					.isTrue());
		try (Stream<String> lines = response.body()) {
			return events(lines.toList());
		}
	}

	private HttpRequest request(String path, String prompt) {
		String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	/** Reads the next field line, past the heartbeat comments the relay writes while the upstream is quiet. */
	private static @Nullable String nextField(BufferedReader reader) throws IOException {
		String line = reader.readLine();
		while (line != null && (line.isEmpty() || line.startsWith(":"))) {
			line = reader.readLine();
		}
		return line;
	}

	/** Parses {@code text/event-stream} lines as the relay writes them: {@code event: } and {@code data: } fields. */
	private static List<RelayEvent> events(List<String> lines) {
		List<RelayEvent> events = new ArrayList<>();
		String name = null;
		String data = null;
		for (String line : lines) {
			if (line.isEmpty()) {
				if (data != null) {
					events.add(new RelayEvent(name, data));
				}
				name = null;
				data = null;
			}
			else if (line.startsWith("event: ")) {
				name = line.substring("event: ".length());
			}
			else if (line.startsWith("data: ")) {
				assertThat(data).as("one data line per event").isNull();
				data = line.substring("data: ".length());
			}
		}
		assertThat(data).as("the last event is complete").isNull();
		return events;
	}

	private static SseUpstream startUpstream() {
		try {
			return new SseUpstream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class RelayApplication {

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

		@Bean
		RestClientCustomizer markingCustomizer() {
			return (builder) -> builder.defaultHeader("X-Customized", "by-a-RestClientCustomizer");
		}

		@Bean
		ChatController chatController(LlmSseRelay relay, LlmClients clients, LlmStreamService service,
				AsyncTaskExecutor applicationTaskExecutor) {
			LlmSseRelay shortRelay = new LlmSseRelay(service, applicationTaskExecutor, Duration.ofMillis(300));
			return new ChatController(relay, shortRelay, clients, service);
		}

	}

	/** Records how each call ended, as {@code client:OUTCOME}. */
	static class RecordingListener implements LlmCallListener {

		private final BlockingQueue<String> ends = new LinkedBlockingQueue<>();

		/** Waits for the end of a call of the given client, skipping the ends of other tests' calls. */
		@Nullable String awaitEnd(String client, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			String end;
			do {
				end = this.ends.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			}
			while (end != null && !end.startsWith(client + ":"));
			return end;
		}

		@Override
		public Call start(CallInfo info) {
			return (outcome, error) -> this.ends.add(info.clientName() + ":" + outcome);
		}

	}

	@RestController
	static class ChatController {

		private final LlmSseRelay relay;

		private final LlmSseRelay shortRelay;

		private final LlmClients clients;

		private final LlmStreamService service;

		ChatController(LlmSseRelay relay, LlmSseRelay shortRelay, LlmClients clients, LlmStreamService service) {
			this.relay = relay;
			this.shortRelay = shortRelay;
			this.clients = clients;
			this.service = service;
		}

		@PostMapping(path = "/chat-with-status", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		SseEmitter chatWithStatus(@RequestBody String request) {
			return this.relay.relayWithStatus(this.service, parse(request), RelayFormat.OPENAI);
		}

		@SuppressWarnings("deprecation")
		@PostMapping(path = "/chat-after-status", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		DeferredResult<SseEmitter> chatAfterStatus(@RequestBody String request) {
			return this.relay.relayAfterStatus(this.service, parse(request), RelayFormat.OPENAI);
		}

		@ExceptionHandler
		ResponseEntity<String> providerFailed(LlmApiException ex) {
			return ResponseEntity.status(ex.status())
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"status\":" + ex.status() + "}");
		}

		@PostMapping(path = "/chat-with-timeout", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		SseEmitter chatWithTimeout(@RequestBody String request, @RequestParam RelayFormat format,
				@RequestParam(defaultValue = "") String client) {
			return client.isEmpty() ? this.shortRelay.relay(parse(request), format)
					: this.shortRelay.relay(this.clients.get(client), parse(request), format);
		}

		@PostMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		SseEmitter chat(@RequestBody String request, @RequestParam RelayFormat format) {
			return this.relay.relay(parse(request), format);
		}

		@PostMapping(path = "/clients/{name}/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		SseEmitter chat(@PathVariable String name, @RequestBody String request, @RequestParam RelayFormat format) {
			return this.relay.relay(this.clients.get(name), parse(request), format);
		}

		private static ChatCompletionRequest parse(String json) {
			return ChatJson.mapper().readValue(json, ChatCompletionRequest.class);
		}

	}

}
