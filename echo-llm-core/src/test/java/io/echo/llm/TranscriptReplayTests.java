package io.echo.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every recorded provider transcript, served over loopback HTTP in random splits, comes out of {@code stream()}
 * as {@code EXPECTED-SUMMARY.json} says: every chunk delivered, the right end, the provider's error.
 */
@Timeout(60)
class TranscriptReplayTests extends RawServerSupport {

	private static final int SPLITS_PER_TRANSCRIPT = 3;

	static Stream<Arguments> transcripts() throws IOException {
		JsonNode summary = ChatJson.mapper().readTree(transcriptsDir().resolve("EXPECTED-SUMMARY.json").toFile());
		List<Arguments> arguments = new ArrayList<>();
		for (String name : summary.propertyNames()) {
			for (int seed = 1; seed <= SPLITS_PER_TRANSCRIPT; seed++) {
				arguments.add(Arguments.of(name, seed, summary.get(name)));
			}
		}
		assertThat(arguments).hasSize(15 * SPLITS_PER_TRANSCRIPT);
		return arguments.stream();
	}

	static Path transcriptsDir() {
		String property = System.getProperty("echo.fixtures.dir");
		return Path.of((property != null) ? property : "../../shared/fixtures").resolve("transcripts");
	}

	@ParameterizedTest(name = "{0} split #{1}")
	@MethodSource("transcripts")
	void transcriptStreamsAsExpected(String name, int seed, JsonNode expected) throws Exception {
		byte[] body = Files.readAllBytes(transcriptsDir().resolve(name + ".sse"));
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			Random random = new Random(seed * 31L + name.hashCode());
			int offset = 0;
			while (offset < body.length) {
				int length = Math.min(body.length - offset, 1 + random.nextInt(96));
				exchange.chunk(body, offset, length);
				offset += length;
			}
			exchange.endBody();
		});
		Replay replay = replay();
		assertThat(replay.chunks()).hasSize(expectedChunks(expected));
		JsonNode errors = expected.get("errors");
		if (errors.isEmpty()) {
			assertThat(replay.failure()).isNull();
		}
		else {
			assertThat(replay.failure()).isInstanceOfSatisfying(LlmStreamErrorException.class, (ex) -> {
				assertThat(ex.providerMessage()).isEqualTo(errors.get(0).get("message").asString());
				assertThat(ex.code()).isEqualTo(errors.get(0).get("code").asString());
			});
		}
	}

	/** Events that are chunks: all but {@code [DONE]} and named error events. */
	private static int expectedChunks(JsonNode expected) {
		int events = expected.get("sse_events_per_spec").intValue();
		int done = expected.get("done_dispatched_per_spec").booleanValue() ? 1 : 0;
		JsonNode errorEvents = expected.get("event_types").get("error");
		return events - done - ((errorEvents != null) ? errorEvents.intValue() : 0);
	}

	private Replay replay() {
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		LlmException failure = null;
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			for (ChatCompletionChunk chunk : stream) {
				chunks.add(chunk);
			}
		}
		catch (LlmStreamErrorException ex) {
			failure = ex;
		}
		return new Replay(chunks, failure);
	}

	record Replay(List<ChatCompletionChunk> chunks, @Nullable LlmException failure) {
	}

}
