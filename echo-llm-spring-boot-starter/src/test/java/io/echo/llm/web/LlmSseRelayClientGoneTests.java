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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain (not resumable) relay notices a client that left while the provider sends nothing, before its first chunk
 * or in a stall, and closes the upstream within a second, in both formats: real Tomcat, a real HTTP client that drops
 * its connection, and an upstream on a raw loopback socket that sees the close. The service's own first-chunk and idle
 * timeouts (30 s and 60 s) are far off, so only the relay can close the upstream in time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmSseRelayClientGoneTests {

	private static final String PROMPT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	// The heartbeat notices a client that left within three ticks (750 ms); the issue allows 1 s.
	private static final Duration UPSTREAM_CLOSED_WITHIN = Duration.ofSeconds(1);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ScriptedUpstream upstream;

	private final ConfigurableApplicationContext application;

	LlmSseRelayClientGoneTests() throws IOException {
		this.upstream = new ScriptedUpstream();
		this.application = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1"));
	}

	@BeforeEach
	void resetUpstream() {
		this.upstream.reset().tokens(List.of("Hel", "lo"));
	}

	@AfterAll
	void stop() throws IOException {
		this.application.close();
		this.upstream.close();
	}

	@ParameterizedTest(name = "{1} after {0} chunks")
	@CsvSource({ "0, OPENAI", "0, BROWSER", "1, OPENAI", "1, BROWSER" })
	void clientLeavingWhileTheProviderIsSilentClosesTheUpstreamWithinOneSecond(int chunksBeforeSilence,
			RelayFormat format) throws Exception {
		this.upstream.holdAfter(chunksBeforeSilence);
		try (BufferedReader body = reader(chat(format))) {
			List<String> data = dataUntilHeartbeat(body);
			assertThat(data).hasSize(chunksBeforeSilence).allSatisfy((line) -> assertThat(line).contains("Hel"));
		}
		assertThat(this.upstream.awaitClosed(UPSTREAM_CLOSED_WITHIN)).as("upstream saw the close").isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "OPENAI", "BROWSER" })
	void clientLeavingBeforeTheProviderAnswersClosesTheUpstreamWithinOneSecond(RelayFormat format) throws Exception {
		this.upstream.silent();
		try (BufferedReader body = reader(chat(format))) {
			assertThat(dataUntilHeartbeat(body)).isEmpty();
		}
		// The provider has not sent its status line: only the relay can end this call.
		assertThat(this.upstream.awaitClosed(UPSTREAM_CLOSED_WITHIN)).as("upstream saw the close").isTrue();
		assertThat(this.upstream.requests()).as("attempts").isEqualTo(1);
	}

	@Test
	void finishedReplyLeavesNoHeartbeatScheduled() throws Exception {
		HttpResponse<InputStream> response = chat(RelayFormat.BROWSER);
		try (BufferedReader body = reader(response)) {
			assertThat(body.lines().filter((line) -> line.startsWith("event: ")))
				.containsExactly("event: token", "event: token", "event: done");
		}
		assertThat(this.application.getBean(LlmSseRelay.class).heartbeats().idle()).isTrue();
	}

	@Test
	void clientGoneLeavesNoHeartbeatScheduled() throws Exception {
		this.upstream.holdAfter(1);
		try (BufferedReader body = reader(chat(RelayFormat.OPENAI))) {
			dataUntilHeartbeat(body);
		}
		// What this test is about is the heartbeat left idle; the 1 s promise is the tests above.
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(10))).as("upstream saw the close").isTrue();
		assertThat(this.application.getBean(LlmSseRelay.class).heartbeats().idle()).isTrue();
	}

	private HttpResponse<InputStream> chat(RelayFormat format) throws IOException, InterruptedException {
		String path = (format == RelayFormat.OPENAI) ? "/api/chat/openai" : "/api/chat";
		URI uri = URI.create("http://127.0.0.1:" + RelayTestApplication.port(this.application) + path);
		HttpRequest request = HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(5))
			.POST(HttpRequest.BodyPublishers.ofString(PROMPT))
			.build();
		HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	// Closing the body closes the connection (JDK HttpClient on HTTP/1.1), as a closed browser tab does.
	private static BufferedReader reader(HttpResponse<InputStream> response) {
		return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
	}

	/**
	 * Reads up to the first heartbeat comment, which shows that the relay is waiting on a silent provider, and
	 * returns the {@code data:} lines before it.
	 */
	private static List<String> dataUntilHeartbeat(BufferedReader body) throws IOException {
		List<String> data = new ArrayList<>();
		for (String line = body.readLine(); line != null; line = body.readLine()) {
			if (line.equals(": keep-alive")) {
				return data;
			}
			if (line.startsWith("data: ")) {
				data.add(line);
			}
		}
		throw new IllegalStateException("The reply ended without a heartbeat after " + data);
	}

}
