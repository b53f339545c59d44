package io.echo.llm.sample;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.echo.llm.sample.JsonAssertions.json;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider that rejects {@code stream_options} (400, as some OpenAI-compatible servers do) works once
 * {@code echo.llm.stream.include-usage=false}: the engine then adds nothing to what the client sent.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "echo.llm.retry.max-attempts=1", "echo.llm.stream.include-usage=false" })
class StreamUsageOffTests {

	private static final LoopbackUpstream upstream = OpenAiStreamUsageTests.LoopbackUpstreams.start(true);

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("echo.llm.base-url", upstream::baseUrl);
		registry.add("echo.llm.api-key", () -> LoopbackUpstream.API_KEY);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@Test
	void providerThatRejectsStreamOptionsStreamsWhenUsageIsOff() throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions", openAi("Say hello", true));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.openAiContent()).isEqualTo("Hello from upstream");
		List<String> bodies = upstream.requestBodies();
		assertThat(json(bodies.get(bodies.size() - 1)).has("stream_options")).isFalse();
	}

	@Test
	void pageStreamWorksTooWithoutAUsageEvent() throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/api/chat", JsonAssertions.chat("Say hello"));

		assertThat(answer.tokenText()).isEqualTo("Hello from upstream");
		assertThat(answer.names()).doesNotContain("usage", "error").endsWith("done");
	}

}
