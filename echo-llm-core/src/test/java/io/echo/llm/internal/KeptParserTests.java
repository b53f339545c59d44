package io.echo.llm.internal;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;

import static io.echo.llm.internal.ReadSideFuzzTests.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The decoder keeps one parser across the events of a read, reading their objects as one sequence of root values.
 * Whatever the events of one read hold, each decodes as the data of that event alone does with {@code readValue}: an
 * object that something trails, or that ends early, fails exactly as it would alone (not as the start of the next
 * value), after every chunk before it; and events read whole come out as events read one byte at a time, where each
 * event gets a parser of its own.
 */
class KeptParserTests {

	private static final String CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
			+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null}],"
			+ "\"x_unknown\":{\"a\":[1,2.5,true]}}";

	@Test
	void eventsOfOneReadDecodeAsEachDoesAlone() {
		List<String> datas = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			datas.add(String.format(CHUNK, "t" + i + (i % 7 == 0 ? " \\u00e9\\n\\\"q\\\"" : "")));
		}
		datas.add("  \t" + String.format(CHUNK, "padded") + " \u2003 ");
		datas.add(String.format(CHUNK, "two lines").replace("\"created\":1,", "\"created\":1,\n"));
		datas.add("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "long".repeat(3000) + "\"}}]}");
		datas.add(String.format(CHUNK, "after the long one"));
		StringBuilder body = new StringBuilder();
		datas.forEach((data) -> body.append(frame(data)));
		body.append("data: [DONE]\n\n");

		Outcome whole = ReadSide.read(utf8(body.toString()), SseParser.DEFAULT_MAX_EVENT_BYTES);

		assertThat(whole.failure()).isNull();
		assertThat(whole.chunks()).hasSize(datas.size());
		for (int i = 0; i < datas.size(); i++) {
			assertThat(whole.chunks().get(i)).isEqualTo(alone(datas.get(i)));
		}
		ReadSideFuzzTests.assertSameOutcome(oneByteAtATime(body.toString()), whole);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"choices\":[]} {\"choices\":[]}", "{\"choices\":[]}{\"choices\":[]}",
			"{\"choices\":[]}}", "{\"choices\":[]}]", "{\"choices\":[]} x", "{\"choices\":[]}\u00a0",
			"{\"choices\":[]} [DONE]", "{\"choices\":[", "{\"choices\":[]", "{\"choices\":[]},", "{\"choices\" [] }" })
	void anEventThatIsNotOneObjectFailsAsItDoesAloneAfterTheChunksBeforeIt(String bad) {
		String body = frame(String.format(CHUNK, "one")) + frame(String.format(CHUNK, "two")) + frame(bad)
				+ frame(String.format(CHUNK, "never handed out")) + "data: [DONE]\n\n";
		JacksonException alone = catchThrowableOfType(JacksonException.class, () -> alone(bad.strip()));

		Outcome whole = ReadSide.read(utf8(body), SseParser.DEFAULT_MAX_EVENT_BYTES);

		assertThat(whole.chunks()).extracting(ChatCompletionChunk::text).containsExactly("one", "two");
		assertThat(alone).isNotNull();
		assertThat(whole.failure()).isInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("could not be decoded, after 2 chunks: "
					+ Texts.abbreviate(String.valueOf(alone.getOriginalMessage()), 200));
		ReadSideFuzzTests.assertSameOutcome(oneByteAtATime(body), whole);
	}

	@Test
	void anEventThatIsNotAnObjectStillSkipsOrFailsAsBefore() {
		String body = frame(String.format(CHUNK, "one")) + frame("[1, 2]") + frame("  ") + frame("\"text\"")
				+ frame(String.format(CHUNK, "two")) + "data: [DONE]\n\n";

		Outcome whole = ReadSide.read(utf8(body), SseParser.DEFAULT_MAX_EVENT_BYTES);

		assertThat(whole.failure()).isNull();
		assertThat(whole.chunks()).extracting(ChatCompletionChunk::text).containsExactly("one", "two");
		ReadSideFuzzTests.assertSameOutcome(oneByteAtATime(body), whole);
	}

	private static ChatCompletionChunk alone(String data) {
		return ChatJson.mapper().readValue(data.strip(), ChatCompletionChunk.class);
	}

	private static Outcome oneByteAtATime(String body) {
		return ReadSide.read(utf8(body), List.of(1), SseParser.DEFAULT_MAX_EVENT_BYTES);
	}

	/** One event: each line of the data a {@code data:} line. */
	private static String frame(String data) {
		StringBuilder frame = new StringBuilder();
		for (String line : data.split("\n", -1)) {
			frame.append("data: ").append(line).append('\n');
		}
		return frame.append('\n').toString();
	}

}
