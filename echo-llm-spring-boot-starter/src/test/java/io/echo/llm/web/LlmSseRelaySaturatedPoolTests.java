package io.echo.llm.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a platform-thread pool with no queue (what the starter recommends on Java 17), every thread of which holds a
 * stream, the heartbeat still finds a client that left while the provider is silent: the executor refuses the
 * comment's write, which then goes to a small pool of its own instead of being dropped until the engine's idle timeout
 * (60 s) ends a call that nobody reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmSseRelaySaturatedPoolTests {

	private static final String PROMPT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ScriptedUpstream upstream;

	private final ConfigurableApplicationContext application;

	LlmSseRelaySaturatedPoolTests() throws IOException {
		this.upstream = new ScriptedUpstream();
		this.application = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1", "spring.threads.virtual.enabled", "false",
				"spring.task.execution.pool.core-size", "1", "spring.task.execution.pool.max-size", "1",
				"spring.task.execution.pool.queue-capacity", "0"));
	}

	@AfterAll
	void stop() throws IOException {
		this.application.close();
		this.upstream.close();
	}

	@Test
	void clientLeavingWhileEveryPoolThreadHoldsAStreamClosesTheUpstreamWithinOneSecond() throws Exception {
		// The provider answers 200 with its headers, then sends nothing: the stream holds the pool's only thread.
		this.upstream.holdAfter(0);
		URI uri = URI.create("http://127.0.0.1:" + RelayTestApplication.port(this.application) + "/api/chat/openai");
		HttpRequest request = HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(5))
			.POST(HttpRequest.BodyPublishers.ofString(PROMPT))
			.build();
		HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		LlmSseRelay relay = this.application.getBean(LlmSseRelay.class);
		assertThat(relay.activeStreams()).isEqualTo(1);
		// Closing the body closes the connection, as a closed browser tab does.
		response.body().close();
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
	}

}
