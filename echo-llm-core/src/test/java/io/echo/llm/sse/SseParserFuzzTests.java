package io.echo.llm.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

import io.echo.llm.fuzz.Bounded;
import io.echo.llm.fuzz.Fuzz;
import io.echo.llm.fuzz.Gen;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Random bytes, not only well-formed pieces, cut at random points: the parser throws nothing but its documented
 * {@link SseLimitExceededException} (which the engine turns into an {@code LlmInvalidResponseException}), and what it
 * dispatches does not depend on the cuts. See {@link Fuzz} for seeds and replays.
 */
class SseParserFuzzTests {

	/** Bytes that steer the parser: line ends, field names, the BOM, UTF-8 lead and continuation bytes. */
	private static final byte[] STEERING = SseFeeding.utf8("\r\n\r\n::data event id retry \uFEFF\u00e9\uD83D\uDE00");

	@Test
	void randomBytesCutAnywhereGiveTheSameEventsAsWhole() {
		Fuzz.check(500, (gen) -> {
			byte[] input = randomStream(gen);
			List<byte[]> chunks = cut(gen, input);
			int limit = gen.chance(0.5) ? gen.between(1, 200) : SseParser.DEFAULT_MAX_EVENT_BYTES;
			boolean dispatchPending = gen.chance(0.5);
			gen.input("limit " + limit + ", dispatch pending " + dispatchPending + ", cut into "
					+ chunks.stream().map((chunk) -> HexFormat.of().formatHex(chunk)).toList());
			Outcome whole = Bounded.within(Duration.ofSeconds(10),
					() -> Outcome.of(List.of(input), limit, dispatchPending));
			assertThat(Outcome.of(chunks, limit, dispatchPending)).isEqualTo(whole);
		});
	}

	@Test
	void aParserPastItsLimitRefusesMoreBytes() {
		SseParser parser = new SseParser((event) -> {
		}, 8);
		byte[] line = SseFeeding.utf8("data: 123456789");
		assertThatExceptionOfType(SseLimitExceededException.class)
			.isThrownBy(() -> parser.feed(line, 0, line.length));
		assertThatIllegalStateException().isThrownBy(() -> parser.feed(line, 0, 1))
			.withMessageContaining("finished or failed earlier");
	}

	/** Uniform random bytes, or bytes mostly from {@link #STEERING}, up to 2 KiB. */
	private static byte[] randomStream(Gen gen) {
		int length = gen.between(0, 2048);
		if (gen.chance(0.3)) {
			return gen.bytes(length);
		}
		byte[] random = gen.bytes(length);
		for (int i = 0; i < length; i++) {
			if (gen.chance(0.7)) {
				random[i] = STEERING[gen.between(0, STEERING.length - 1)];
			}
		}
		return random;
	}

	private static List<byte[]> cut(Gen gen, byte[] input) {
		List<byte[]> chunks = new ArrayList<>();
		int start = 0;
		while (start < input.length) {
			int end = Math.min(input.length, start + (gen.chance(0.5) ? gen.between(0, 4) : gen.between(0, 600)));
			chunks.add(Arrays.copyOfRange(input, start, end));
			start = end;
		}
		return chunks;
	}

	/**
	 * Everything a client can observe of one parse. Any exception but the limit's fails the test.
	 */
	record Outcome(List<SseEvent> events, boolean limitExceeded, boolean pendingDispatched, OptionalLong retry,
			String lastEventId, long commentCount) {

		static Outcome of(List<byte[]> chunks, int maxEventBytes, boolean dispatchPending) {
			List<SseEvent> events = new ArrayList<>();
			SseParser parser = new SseParser(events::add, maxEventBytes);
			boolean limitExceeded = false;
			try {
				for (byte[] chunk : chunks) {
					parser.feed(chunk, 0, chunk.length);
				}
			}
			catch (SseLimitExceededException ex) {
				limitExceeded = true;
			}
			boolean pendingDispatched = dispatchPending ? parser.finishAndDispatchPending() : finish(parser);
			return new Outcome(events, limitExceeded, pendingDispatched, parser.retry(), parser.lastEventId(),
					parser.commentCount());
		}

		private static boolean finish(SseParser parser) {
			parser.finish();
			return false;
		}

	}

}
