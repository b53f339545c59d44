package io.echo.llm.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream gives, for each chunk it hands out, the provider's data exactly as sent ({@link RawChunkData}), for a
 * relay to forward; and none for the chunk it had to change, so that a relay writes that one from the chunk.
 */
class RawChunkDataTests {

	@Test
	void dataIsTheProvidersOwnTextWhateverItsSpellingAndSplitting() {
		String odd = "  { \"choices\" : [ { \"delta\" : { \"content\" : \"caf\\u00e9\" } , \"index\" : 0 ,"
				+ " \"finish_reason\" : null } ] , \"x\" : [1.0e0, -0.0] , \"id\" : \"a\" }  ";
		String last = "{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
		String body = "data: " + odd + "\r\n\r\n: comment\n\ndata: {\"id\":\"a\",\ndata: \"choices\":[]}\n\n"
				+ "data:" + last + "\n\ndata: [DONE]\n\n";
		for (List<Integer> sizes : List.of(List.<Integer>of(), List.of(1), List.of(3, 7))) {
			Outcome outcome = ReadSide.read(body.getBytes(StandardCharsets.UTF_8), sizes,
					SseParser.DEFAULT_MAX_EVENT_BYTES);
			assertThat(outcome.failure()).isNull();
			assertThat(outcome.chunks()).extracting(ChatCompletionChunk::text).containsExactly("café", "", "");
			// Data over two lines comes joined by \n, as the event's data is: a relay decides what to make of it.
			assertThat(outcome.data()).containsExactly(odd, "{\"id\":\"a\",\n\"choices\":[]}", last);
		}
	}

	@Test
	void chunkHandedOutWithoutTheProvidersErrorHasNoDataToForward() {
		String before = "{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
		String withError = "{\"id\":\"a\",\"error\":{\"message\":\"Token limit reached\",\"code\":400},"
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":null}]}";
		Outcome outcome = ReadSide.read(("data: " + before + "\n\ndata: " + withError + "\n\n")
			.getBytes(StandardCharsets.UTF_8), SseParser.DEFAULT_MAX_EVENT_BYTES);
		assertThat(outcome.chunks()).extracting(ChatCompletionChunk::text).containsExactly("Hi", "!");
		assertThat(outcome.data()).containsExactly(before, null);
		assertThat(outcome.chunks().get(1).extra()).doesNotContainKey("error");
		assertThat(outcome.failure()).isInstanceOf(LlmStreamErrorException.class);
	}

}
