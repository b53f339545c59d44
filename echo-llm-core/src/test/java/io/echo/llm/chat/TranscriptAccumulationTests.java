package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import io.echo.llm.fixtures.Fixtures;
import io.echo.llm.fixtures.Fixtures.Transcript;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every recorded transcript, parsed with the SSE parser, read chunk by chunk and accumulated, gives what
 * {@code EXPECTED-SUMMARY.json} says it holds.
 */
class TranscriptAccumulationTests {

	private static final JsonNode SUMMARY = Fixtures.expectedSummary();

	static List<Transcript> transcripts() {
		List<Transcript> transcripts = Fixtures.transcripts();
		assertThat(transcripts).extracting(Transcript::name)
			.containsExactlyInAnyOrderElementsOf(SUMMARY.propertyNames());
		return transcripts;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void contentIsTheJoinedStringDeltas(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		String content = String.join("",
				accumulated.response.choices().stream().map((choice) -> choice.message().text()).toList());
		assertThat(content).isEqualTo(expected(transcript).get("content").stringValue());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void reasoningHasTheExpectedLength(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		int codePoints = accumulated.response.choices()
			.stream()
			.map((choice) -> choice.message().reasoningText())
			.mapToInt((reasoning) -> reasoning.codePointCount(0, reasoning.length()))
			.sum();
		assertThat(codePoints).isEqualTo(expected(transcript).get("reasoning_chars").intValue());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void toolCallsAreMergedWhole(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		List<String> actual = new ArrayList<>();
		accumulated.response.choices()
			.forEach((choice) -> choice.message()
				.toolCalls()
				.forEach((call) -> actual.add(call.id() + " " + call.name() + " " + call.arguments())));
		List<String> expected = new ArrayList<>();
		expected(transcript).get("tool_calls")
			.values()
			.forEach((call) -> expected.add(call.get("id").stringValue() + " " + call.get("name").stringValue() + " "
					+ call.get("arguments").stringValue()));
		assertThat(actual).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void finishReasonsAreThoseOfTheChoices(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		List<String> actual = accumulated.response.choices()
			.stream()
			.map(Choice::finishReason)
			.filter(Objects::nonNull)
			.toList();
		LinkedHashSet<String> expected = new LinkedHashSet<>();
		expected(transcript).get("finish_reasons").values().forEach((reason) -> expected.add(reason.stringValue()));
		assertThat(actual).containsExactlyElementsOf(expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void usageIsThatOfTheLastChunkCarryingIt(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		JsonNode lastUsage = null;
		for (String json : transcript.jsonData()) {
			JsonNode usage = ChatJson.mapper().readTree(json).get("usage");
			if (usage != null && usage.isObject()) {
				lastUsage = usage;
			}
		}
		assertThat(lastUsage != null).isEqualTo(expected(transcript).get("chunks_with_usage").intValue() > 0);
		Usage usage = accumulated.response.usage();
		if (lastUsage == null) {
			assertThat(usage).isNull();
		}
		else {
			assertThat(usage).isNotNull();
			assertThat(tree(usage)).isEqualTo(lastUsage);
			assertThat(usage.totalTokens()).isEqualTo(lastUsage.get("total_tokens").intValue());
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void errorsAreCollected(Transcript transcript) {
		Accumulated accumulated = accumulate(transcript);
		List<JsonNode> actual = accumulated.errors.stream().map(TranscriptAccumulationTests::tree).toList();
		assertThat(actual).containsExactlyElementsOf(expected(transcript).get("errors").values());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void resultIsReadBackEqualFromItsJson(Transcript transcript) {
		ChatCompletionResponse response = accumulate(transcript).response;
		String json = ChatJson.mapper().writeValueAsString(response);
		assertThat(ChatJson.mapper().readValue(json, ChatCompletionResponse.class)).isEqualTo(response);
	}

	private static JsonNode tree(Object value) {
		return ChatJson.mapper().valueToTree(value);
	}

	private static JsonNode expected(Transcript transcript) {
		return SUMMARY.get(transcript.name());
	}

	private static Accumulated accumulate(Transcript transcript) {
		ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
		for (String json : transcript.jsonData()) {
			accumulator.add(ChatJson.mapper().readValue(json, ChatCompletionChunk.class));
		}
		return new Accumulated(accumulator.result(), accumulator.errors());
	}

	private record Accumulated(ChatCompletionResponse response, List<ApiError> errors) {
	}

}
