package io.echo.llm.sample;

import java.time.Duration;
import java.util.List;

import io.echo.llm.sample.demo.DemoCancellations;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.echo.llm.sample.JsonAssertions.chat;
import static io.echo.llm.sample.JsonAssertions.json;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both endpoints of the sample against its embedded demo provider, on a random port: what a user gets with no
 * configuration at all.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "echo.demo.token-delay=5ms", "echo.llm.retry.max-attempts=1",
				// Shorter than what is left of a demo reply when a test closes it after three events.
				"echo.llm.relay.resume-window=100ms" })
class DemoProviderEndpointsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private DemoCancellations cancellations;

	private SseClient client() {
		return new SseClient(this.port);
	}

	@Test
	void pageStreamRelaysDemoTokensThenUsageThenDone() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("Hello there"));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(answer.tokenText()).startsWith("You said: \"Hello there\".").contains("echo-llm demo provider");
		assertThat(answer.named("token")).hasSizeGreaterThan(20);
		List<String> names = answer.names();
		assertThat(names.subList(names.size() - 2, names.size())).containsExactly("usage", "done");
		assertThat(json(answer.named("usage").get(0).data()).get("completion_tokens").asInt()).isPositive();
		assertThat(json(answer.named("done").get(0).data()).get("finish_reason").asString()).isEqualTo("stop");
	}

	@Test
	void pageStreamSendsTheDemoReasoningBeforeTheAnswer() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("Why is the sky blue?"));

		List<String> names = answer.names();
		assertThat(names).contains("reasoning");
		assertThat(names.lastIndexOf("reasoning")).isLessThan(names.indexOf("token"));
		String reasoning = String.join("", answer.named("reasoning")
			.stream()
			.map((event) -> json(event.data()).get("text").asString())
			.toList());
		assertThat(reasoning).startsWith("The user wrote \"Why is the sky blue?\".");
	}

	@Test
	void weatherPromptStreamsAToolCallInPieces() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("What's the weather in Lisbon?"));

		List<SseEvent> calls = answer.named("tool_call");
		assertThat(calls).hasSizeGreaterThan(1);
		JsonNode first = json(calls.get(0).data());
		assertThat(first.get("name").asString()).isEqualTo("get_weather");
		assertThat(first.get("id").asString()).isEqualTo("call_demo_weather");
		String arguments = String.join("", calls.stream()
			.map((call) -> json(call.data()).path("arguments").asString(""))
			.toList());
		assertThat(json(arguments).get("location").asString()).isEqualTo("Lisbon");
		assertThat(json(answer.named("done").get(0).data()).get("finish_reason").asString()).isEqualTo("tool_calls");
	}

	@Test
	void pageStreamTurnsMidStreamErrorIntoErrorEventAfterTheFirstTokens() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("Please fail: demo:error"));

		// The demo sends eight tokens before its error event (DemoScript.TOKENS_BEFORE_FAILURE).
		assertThat(answer.named("token")).hasSize(8);
		assertThat(answer.names()).last().isEqualTo("error");
		JsonNode error = json(answer.named("error").get(0).data());
		// The relay's own words, not the provider's message (which quotes the prompt).
		assertThat(error.get("message").asString()).isEqualTo("The LLM provider reported an error during the stream");
		assertThat(answer.body()).doesNotContain("the prompt contains");
		assertThat(answer.names()).doesNotContain("done");
	}

	@Test
	void pageStreamReportsRateLimitAsErrorEventWithStatus() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("demo:429 please"));

		// The resumable page stream names itself first, before the provider answers.
		assertThat(answer.names()).containsExactly("stream", "error");
		assertThat(json(answer.named("error").get(0).data()).get("status").asInt()).isEqualTo(429);
	}

	@Test
	void pageRejectsRequestWithoutMessages() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", "{\"messages\":[]}");

		assertThat(answer.status()).isEqualTo(400);
		assertThat(json(answer.body()).at("/error/message").asString()).contains("'messages' must be a non-empty array");
	}

	@Test
	void closingThePageStreamCancelsTheDemoStreamOnceTheResumeWindowIsOver() throws Exception {
		String prompt = "Cancel me " + System.nanoTime();
		try (SseClient.Opened stream = client().open("/api/chat", chat(prompt))) {
			assertThat(stream.status()).isEqualTo(200);
			for (int i = 0; i < 3; i++) {
				stream.next();
			}
		}
		assertThat(this.cancellations.await(prompt, Duration.ofSeconds(10))).isTrue();
	}

	@Test
	void openAiStreamRelaysChunksAndEndsWithDone() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("Hi", true));

		assertThat(answer.status()).isEqualTo(200);
		List<SseEvent> events = answer.events();
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		assertThat(answer.names()).containsOnly("message");
		assertThat(answer.openAiContent()).startsWith("You said: \"Hi\".");
		// This client did not ask for usage: every chunk has a choice to read, as from OpenAI.
		assertThat(events.subList(0, events.size() - 1))
			.allSatisfy((event) -> assertThat(json(event.data()).path("choices").isEmpty()).isFalse());
	}

	@Test
	void openAiStreamEndsWithTheUsageChunkWhenTheClientAskedForIt() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions",
				"{\"model\":\"any-model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
						+ "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

		List<SseEvent> events = answer.events();
		JsonNode usageChunk = json(events.get(events.size() - 2).data());
		assertThat(usageChunk.path("choices").isEmpty()).isTrue();
		assertThat(usageChunk.at("/usage/total_tokens").asInt()).isPositive();
	}

	@Test
	void openAiRequestWithoutStreamGetsOneCompletion() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("Hi", false));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode completion = json(answer.body());
		assertThat(completion.at("/choices/0/message/content").asString()).startsWith("You said: \"Hi\".");
		assertThat(completion.at("/usage/completion_tokens").asInt()).isPositive();
	}

	@Test
	void openAiStreamKeepsTheUpstreamRateLimitStatus() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("demo:429", true));

		assertThat(answer.status()).isEqualTo(429);
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
		JsonNode error = json(answer.body()).get("error");
		assertThat(error.get("type").asString()).isEqualTo("rate_limit_error");
		assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
		assertThat(error.get("message").asString()).isEqualTo("The LLM provider answered HTTP 429");
	}

	@Test
	void openAiRequestWithoutStreamKeepsTheUpstreamErrorStatus() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("demo:error", false));

		assertThat(answer.status()).isEqualTo(500);
		assertThat(json(answer.body()).at("/error/type").asString()).isEqualTo("api_error");
	}

}
