package io.echo.llm.internal;

import java.util.Arrays;
import java.util.List;

import io.echo.llm.fixtures.Fixtures;
import io.echo.llm.fixtures.Fixtures.Transcript;
import io.echo.llm.fuzz.Bounded;
import io.echo.llm.fuzz.Fuzz;
import io.echo.llm.fuzz.Gen;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static io.echo.llm.internal.ReadSideFuzzTests.BOUND;
import static io.echo.llm.internal.ReadSideFuzzTests.assertAccumulatesAsHandedOut;
import static io.echo.llm.internal.ReadSideFuzzTests.assertSameOutcome;
import static io.echo.llm.internal.ReadSideFuzzTests.assertWritesBackAsRelaysDo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorded provider transcripts, split at random points and damaged at random (bytes flipped or replaced by SSE
 * and JSON syntax, ranges cut out, doubled or filled with random bytes, the body cut short), through the engine's
 * whole read side: the outcome is chunks or an {@code LlmException}, the same whatever the split; undamaged, the
 * content is the recorded one.
 */
class TranscriptFuzzTests {

	private static final List<Transcript> TRANSCRIPTS = Fixtures.transcripts();

	private static final JsonNode SUMMARY = Fixtures.expectedSummary();

	private static final byte[] SYNTAX = ReadSideFuzzTests.utf8("\n\r:{}[]\",\\ 0e-");

	@Test
	void transcriptsInRandomSplitsGiveTheirRecordedContent() {
		Fuzz.check(100, (gen) -> {
			Transcript transcript = gen.oneOf(TRANSCRIPTS);
			List<Integer> sizes = gen.readSizes();
			gen.input(transcript.name() + ", read sizes " + sizes);
			Outcome split = Bounded.within(BOUND,
					() -> ReadSide.read(transcript.body(), sizes, SseParser.DEFAULT_MAX_EVENT_BYTES));
			assertSameOutcome(split, ReadSide.read(transcript.body(), SseParser.DEFAULT_MAX_EVENT_BYTES));
			assertThat(split.accumulated().result().text())
				.isEqualTo(SUMMARY.get(transcript.name()).get("content").stringValue());
		});
	}

	@Test
	void damagedTranscriptsGiveChunksOrAnLlmExceptionWhateverTheSplit() {
		Fuzz.check(200, (gen) -> {
			Transcript transcript = gen.oneOf(TRANSCRIPTS);
			StringBuilder damage = new StringBuilder();
			byte[] body = damage(gen, transcript.body(), damage);
			List<Integer> sizes = gen.readSizes();
			gen.input(transcript.name() + " with" + damage + ", read sizes " + sizes);
			Outcome whole = Bounded.within(BOUND, () -> ReadSide.read(body, SseParser.DEFAULT_MAX_EVENT_BYTES));
			Outcome split = Bounded.within(BOUND, () -> ReadSide.read(body, sizes, SseParser.DEFAULT_MAX_EVENT_BYTES));
			assertSameOutcome(split, whole);
			assertAccumulatesAsHandedOut(whole);
			assertWritesBackAsRelaysDo(whole);
		});
	}

	/** Found by seed 2266919260370: damage had doubled a stretch of a chunk, so {@code model} came twice. */
	@Test
	void damagedChunkWithAFieldSentTwiceWritesBackAsItWasRead() {
		byte[] body = ReadSideFuzzTests.utf8("data: {\"id\":\"202607010739425543ff9439144b2c\",\"created\":1782862782,"
				+ "\"object\":\"chat.completion.chunk\",\"model\":1782862782,\"object\":\"chat.completion.chunk\","
				+ "\"model\":\"glm-4.7\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
				+ "\"reasoning_content\":\"  **Identify the Core Concept\"}}]}\n\ndata: [DONE]\n\n");
		Outcome outcome = ReadSide.read(body, SseParser.DEFAULT_MAX_EVENT_BYTES);
		assertThat(outcome.failure()).isNull();
		assertThat(outcome.chunks()).singleElement().satisfies((chunk) -> {
			assertThat(chunk.model()).isEqualTo("glm-4.7");
			assertThat(chunk.extra()).isEmpty();
		});
		assertWritesBackAsRelaysDo(outcome);
	}

	/** Applies one to five random kinds of damage, each described in {@code log}. */
	private static byte[] damage(Gen gen, byte[] original, StringBuilder log) {
		byte[] body = original.clone();
		int count = gen.between(1, 5);
		for (int i = 0; i < count && body.length > 0; i++) {
			int at = gen.between(0, body.length - 1);
			int length = Math.min(gen.between(1, 64), body.length - at);
			switch (gen.between(0, 5)) {
				case 0 -> {
					int bit = gen.between(0, 7);
					body[at] ^= (byte) (1 << bit);
					log.append(" bit ").append(bit).append(" of byte ").append(at).append(" flipped,");
				}
				case 1 -> {
					byte value = gen.oneOf(List.of(SYNTAX[gen.between(0, SYNTAX.length - 1)], (byte) 0x80,
							(byte) 0xFF, (byte) 0xC3, (byte) 0xF0, (byte) 0));
					body[at] = value;
					log.append(" byte ").append(at).append(" set to ").append(value & 0xFF).append(',');
				}
				case 2 -> {
					body = concat(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, at + length, body.length));
					log.append(' ').append(length).append(" bytes cut at ").append(at).append(',');
				}
				case 3 -> {
					body = concat(Arrays.copyOfRange(body, 0, at + length), Arrays.copyOfRange(body, at, body.length));
					log.append(' ').append(length).append(" bytes doubled at ").append(at).append(',');
				}
				case 4 -> {
					byte[] noise = gen.bytes(length);
					body = concat(Arrays.copyOfRange(body, 0, at), noise, Arrays.copyOfRange(body, at, body.length));
					log.append(" random bytes ").append(Arrays.toString(noise)).append(" put in at ").append(at)
						.append(',');
				}
				default -> {
					body = Arrays.copyOfRange(body, 0, at);
					log.append(" cut short after ").append(at).append(" bytes,");
				}
			}
		}
		return body;
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] result = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, result, at, part.length);
			at += part.length;
		}
		return result;
	}

}
