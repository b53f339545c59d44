package io.echo.llm.chat;

import java.util.List;

import io.echo.llm.fixtures.Fixtures;
import io.echo.llm.fixtures.Fixtures.Transcript;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JSON event of every recorded transcript, read as a {@link ChatCompletionChunk} and written back, is the same
 * JSON: no provider field lost, no explicit {@code null} dropped, no number turned into text.
 */
class TranscriptRoundTripTests {

	static List<Transcript> transcripts() {
		return Fixtures.transcripts();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transcripts")
	void everyChunkIsWrittenBackAsItWasRead(Transcript transcript) {
		List<String> data = transcript.jsonData();
		assertThat(data).isNotEmpty();
		for (String json : data) {
			ChatCompletionChunk chunk = ChatJson.mapper().readValue(json, ChatCompletionChunk.class);
			JsonNode written = ChatJson.mapper().readTree(ChatJson.mapper().writeValueAsString(chunk));
			assertThat(written).as(json).isEqualTo(ChatJson.mapper().readTree(json));
		}
	}

}
