package io.echo.llm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;

import io.echo.llm.chat.ChatCompletionAccumulator;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.Choice;
import io.echo.llm.fixtures.Fixtures;
import io.echo.llm.fixtures.Fixtures.Transcript;
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
 * Every recorded provider transcript, served over loopback HTTP in random byte splits (UTF-8 characters cut between
 * HTTP chunks), comes out of {@code stream()} as {@code EXPECTED-SUMMARY.json} says: every chunk delivered and
 * accumulated to the expected content, reasoning, tool calls, finish reasons and usage; the right end; the
 * provider's error.
 */
@Timeout(60)
class TranscriptReplayTests extends RawServerSupport {

	private static final int SPLITS_PER_TRANSCRIPT = 3;

	private static final JsonNode SUMMARY = Fixtures.expectedSummary();

	static Stream<Arguments> transcripts() {
		List<Arguments> arguments = new ArrayList<>();
		for (Transcript transcript : Fixtures.transcripts()) {
			for (int seed = 1; seed <= SPLITS_PER_TRANSCRIPT; seed++) {
				arguments.add(Arguments.of(transcript.name(), seed, transcript));
			}
		}
		assertThat(arguments).hasSize(15 * SPLITS_PER_TRANSCRIPT);
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} split #{1}")
	@MethodSource("transcripts")
	void transcriptStreamsAsExpected(String name, int seed, Transcript transcript) throws Exception {
		byte[] body = transcript.body();
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
		JsonNode expected = SUMMARY.get(name);
		assertThat(replay.chunks()).hasSize(expectedChunks(expected));
		assertThat(replay.chunks()).filteredOn((chunk) -> chunk.usage() != null)
			.hasSize(expected.get("chunks_with_usage").intValue());
		assertThat(replay.chunks()).filteredOn((chunk) -> chunk.choices().isEmpty())
			.hasSize(expected.get("chunks_with_empty_choices").intValue());
		ChatCompletionResponse response = accumulate(replay.chunks()).result();
		assertThat(response.text()).isEqualTo(expected.get("content").stringValue());
		assertThat(reasoningCodePoints(response)).isEqualTo(expected.get("reasoning_chars").intValue());
		assertThat(toolCalls(response)).containsExactlyElementsOf(
				expected.get("tool_calls").values().stream().map(TranscriptReplayTests::toolCall).toList());
		assertThat(response.choices().stream().map(Choice::finishReason).filter(Objects::nonNull).toList())
			.containsExactlyElementsOf(new LinkedHashSet<>(
					expected.get("finish_reasons").values().stream().map(JsonNode::stringValue).toList()));
		assertError(replay.failure(), expected.get("errors"));
	}

	/** Events that are chunks: all but {@code [DONE]} and named error events. */
	private static int expectedChunks(JsonNode expected) {
		int events = expected.get("sse_events_per_spec").intValue();
		int done = expected.get("done_dispatched_per_spec").booleanValue() ? 1 : 0;
		JsonNode errorEvents = expected.get("event_types").get("error");
		return events - done - ((errorEvents != null) ? errorEvents.intValue() : 0);
	}

	private static void assertError(@Nullable LlmException failure, JsonNode errors) {
		if (errors.isEmpty()) {
			assertThat(failure).isNull();
			return;
		}
		JsonNode error = errors.get(0);
		assertThat(failure).isInstanceOfSatisfying(LlmStreamErrorException.class, (ex) -> {
			assertThat(ex.providerMessage()).isEqualTo(error.get("message").asString());
			assertThat(ex.code()).isEqualTo(error.get("code").asString());
		});
	}

	private static ChatCompletionAccumulator accumulate(List<ChatCompletionChunk> chunks) {
		ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
		chunks.forEach(accumulator::add);
		return accumulator;
	}

	private static int reasoningCodePoints(ChatCompletionResponse response) {
		return response.choices()
			.stream()
			.map((choice) -> choice.message().reasoningText())
			.mapToInt((reasoning) -> reasoning.codePointCount(0, reasoning.length()))
			.sum();
	}

	private static List<String> toolCalls(ChatCompletionResponse response) {
		List<String> calls = new ArrayList<>();
		response.choices()
			.forEach((choice) -> choice.message()
				.toolCalls()
				.forEach((call) -> calls.add(call.id() + " " + call.name() + " " + call.arguments())));
		return calls;
	}

	private static String toolCall(JsonNode call) {
		return call.get("id").stringValue() + " " + call.get("name").stringValue() + " "
				+ call.get("arguments").stringValue();
	}

	private Replay replay() {
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		LlmException failure = null;
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			for (ChatCompletionChunk chunk : stream) {
				// Through JSON and back, as a relay would: nothing the provider sent may be lost on the way.
				chunks.add(ChatJson.mapper().readValue(ChatJson.mapper().writeValueAsString(chunk),
						ChatCompletionChunk.class));
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
