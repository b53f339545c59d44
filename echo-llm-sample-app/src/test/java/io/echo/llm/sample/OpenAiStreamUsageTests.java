package io.echo.llm.sample;

import java.io.IOException;
import java.util.List;

import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.echo.llm.sample.JsonAssertions.json;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/chat/completions} gives each client the stream it asked for: the engine asks the provider for usage for
 * its own metrics, but the usage-only chunk ({@code "choices": []}) reaches only a client that asked for it with
 * {@code stream_options.include_usage}. Without it, the everyday {@code chunk.choices[0].delta} of the OpenAI SDKs
 * would fail on that chunk.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "echo.llm.retry.max-attempts=1")
class OpenAiStreamUsageTests {

	private static final LoopbackUpstream upstream = LoopbackUpstreams.start(false);

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
	void clientThatDidNotAskForUsageGetsNoChunkWithoutChoices() throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions", openAi("Say hello", true));

		assertThat(answer.status()).isEqualTo(200);
		List<JsonNode> chunks = chunks(answer);
		assertThat(chunks).isNotEmpty().allSatisfy((chunk) -> assertThat(chunk.path("choices").isEmpty()).isFalse());
		assertThat(chunks).allSatisfy((chunk) -> assertThat(chunk.has("usage")).isFalse());
		assertThat(answer.openAiContent()).isEqualTo("Hello from upstream");
		assertThat(answer.events().get(answer.events().size() - 1).data()).isEqualTo("[DONE]");
		// The engine still asked for usage, for its metrics: the provider did send the chunk the client did not get.
		assertThat(json(lastRequest()).at("/stream_options/include_usage").asBoolean()).isTrue();
	}

	@Test
	void clientThatAskedForUsageGetsTheUsageChunkAsTheProviderSentIt() throws Exception {
		String request = "{\"model\":\"any-model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions", request);

		assertThat(answer.status()).isEqualTo(200);
		List<JsonNode> chunks = chunks(answer);
		assertThat(chunks.get(chunks.size() - 1)).isEqualTo(json(LoopbackUpstream.USAGE_CHUNK));
		assertThat(chunks.subList(0, chunks.size() - 1))
			.allSatisfy((chunk) -> assertThat(chunk.path("choices").isEmpty()).isFalse());
	}

	@Test
	void clientThatAskedForNoUsageGetsNoneAndTheProviderIsAskedForNone() throws Exception {
		String request = "{\"model\":\"any-model\",\"stream\":true,\"stream_options\":{\"include_usage\":false},"
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions", request);

		assertThat(chunks(answer)).allSatisfy((chunk) -> assertThat(chunk.path("choices").isEmpty()).isFalse());
		assertThat(json(lastRequest()).at("/stream_options/include_usage").asBoolean()).isFalse();
	}

	@Test
	void officialNpmClientsForAwaitLoopReadsTheStreamWithAndWithoutUsage() throws Exception {
		String script = """
				import OpenAI from 'openai';
				const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'sk-unused', maxRetries: 0 });
				const messages = [{ role: 'user', content: 'Say hello' }];
				let text = '';
				for await (const chunk of await client.chat.completions.create({ model: 'm', stream: true, messages })) {
				  text += chunk.choices[0].delta.content ?? '';
				}
				let usage = null;
				const withUsage = await client.chat.completions.create({ model: 'm', stream: true, messages,
				  stream_options: { include_usage: true } });
				for await (const chunk of withUsage) {
				  if (chunk.usage) usage = chunk.usage;
				}
				console.log(JSON.stringify({ text, total: usage && usage.total_tokens }));
				""";
		String output = OpenAiNpmClient.run(script, "http://127.0.0.1:" + this.port + "/v1");
		assertThat(json(output.strip())).isEqualTo(json("{\"text\":\"Hello from upstream\",\"total\":6}"));
	}

	static List<JsonNode> chunks(SseClient.Answer answer) {
		return answer.events()
			.stream()
			.map(SseEvent::data)
			.filter((data) -> !data.equals("[DONE]"))
			.map(JsonAssertions::json)
			.toList();
	}

	private static String lastRequest() {
		List<String> bodies = upstream.requestBodies();
		return bodies.get(bodies.size() - 1);
	}

	/** Starts upstreams for static fields. */
	static final class LoopbackUpstreams {

		private LoopbackUpstreams() {
		}

		static LoopbackUpstream start(boolean rejectStreamOptions) {
			try {
				return new LoopbackUpstream(rejectStreamOptions);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
