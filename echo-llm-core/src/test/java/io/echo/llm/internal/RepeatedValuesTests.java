package io.echo.llm.internal;

import java.util.ArrayList;
import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.Test;

import static io.echo.llm.internal.ReadSideFuzzTests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream's chunks repeat their id, object, model, system fingerprint and creation time: the decoder hands out the
 * previous chunk's instances for them instead of new ones (a fifth of the bytes a chunk allocated). Whatever the
 * values do (repeat, change, alternate, keep changing, come escaped), every chunk still equals what its data decodes
 * to alone.
 */
class RepeatedValuesTests {

	private static final String CHUNK = "{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%d,"
			+ "\"model\":\"gpt-4o\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
			+ "\"delta\":{\"content\":\"%s\",\"reasoning_content\":\"%s\"},\"finish_reason\":null}]}";

	@Test
	void valuesEveryChunkRepeatsAreTheFirstChunksInstances() {
		List<String> datas = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			datas.add(String.format(CHUNK, "chatcmpl-1", 1732916916L, "t" + i, "r"));
		}

		Outcome outcome = read(datas);

		ChatCompletionChunk first = outcome.chunks().get(0);
		for (ChatCompletionChunk chunk : outcome.chunks()) {
			assertThat(chunk.id()).isSameAs(first.id()).isEqualTo("chatcmpl-1");
			assertThat(chunk.object()).isSameAs(first.object());
			assertThat(chunk.model()).isSameAs(first.model()).isEqualTo("gpt-4o");
			assertThat(chunk.systemFingerprint()).isSameAs(first.systemFingerprint());
			assertThat(chunk.created()).isSameAs(first.created()).isEqualTo(1732916916L);
		}
		assertEachDecodesAsAlone(datas, outcome);
	}

	@Test
	void valuesThatChangeAlternateOrKeepChangingDecodeAsAlone() {
		List<String> datas = new ArrayList<>();
		String[] ids = { "a-1", "a-1", "b-2", "a-1", "b-2", "b-2", "c-3", "a-1" };
		for (int i = 0; i < 40; i++) {
			// The reasoning text changes in every chunk (and is given up on); the id alternates between values of
			// the same length; the creation time moves on now and then.
			datas.add(String.format(CHUNK, ids[i % ids.length], 1732916916L + i / 7, "t" + i, "thinking " + i));
		}
		// The same id escaped, and one of the same length that differs only in its last character.
		datas.add(String.format(CHUNK, "a\\u002d1", 1L, "x", "y"));
		datas.add(String.format(CHUNK, "a-2", 1L, "x", "y"));
		datas.add(String.format(CHUNK, "a-1", 1L, "x", "y"));

		Outcome outcome = read(datas);

		assertEachDecodesAsAlone(datas, outcome);
		assertThat(outcome.chunks().get(datas.size() - 3).id()).isEqualTo("a-1");
		assertThat(outcome.chunks().get(datas.size() - 2).id()).isEqualTo("a-2");
		assertThat(outcome.chunks().get(datas.size() - 1).id()).isEqualTo("a-1");
	}

	private static Outcome read(List<String> datas) {
		StringBuilder body = new StringBuilder();
		datas.forEach((data) -> body.append("data: ").append(data).append("\n\n"));
		body.append("data: [DONE]\n\n");
		Outcome outcome = ReadSide.read(utf8(body.toString()), SseParser.DEFAULT_MAX_EVENT_BYTES);
		assertThat(outcome.failure()).isNull();
		assertThat(outcome.chunks()).hasSize(datas.size());
		return outcome;
	}

	private static void assertEachDecodesAsAlone(List<String> datas, Outcome outcome) {
		for (int i = 0; i < datas.size(); i++) {
			assertThat(outcome.chunks().get(i))
				.isEqualTo(ChatJson.mapper().readValue(datas.get(i), ChatCompletionChunk.class));
		}
	}

}
