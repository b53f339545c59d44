package io.echo.llm.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.fuzz.Bounded;
import io.echo.llm.fuzz.Fuzz;
import io.echo.llm.fuzz.Gen;
import org.junit.jupiter.api.Test;

import static io.echo.llm.sse.SseFeeding.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * However a stream is cut into {@code feed} calls, the parser sees the same stream: streams of whole SSE pieces, and
 * random bytes, cut at random points. The parser throws nothing but its documented {@link SseLimitExceededException}
 * (which the engine turns into an {@code LlmInvalidResponseException}). See {@link Fuzz} for seeds and replays.
 */
class SseParserFuzzTests {

	/** Bytes that steer the parser: line ends, field names, the BOM, UTF-8 lead and continuation bytes. */
	private static final byte[] STEERING = utf8("\r\n\r\n::data event id retry \uFEFF\u00e9\uD83D\uDE00");

	// Pieces that make the parser's state machine work hard at every boundary: field names, line ends of all kinds,
	// the BOM, multi-byte characters (up to four bytes), malformed and truncated UTF-8, NUL.
	private static final List<byte[]> PIECES = List.of(utf8("data:"), utf8("data: "), utf8("event:"),
			utf8("event: ping"), utf8("id:"), utf8("id: 7"), utf8("retry: 3000"), utf8("retry: x"), utf8(":"),
			utf8(": keep-alive"), utf8("\r"), utf8("\n"), utf8("\r\n"), utf8("\r\n\r\n"), utf8("\n\n"),
			utf8("\uFEFF"), raw(0xEF, 0xBB), utf8("x"), utf8(" "), utf8("{\"a\":1}"), utf8("\u00e9"), utf8("\u20ac"),
			utf8("\uD83D\uDE00"), utf8("\0"), raw(0x80), raw(0xFF), raw(0xC0, 0xAF), raw(0xED, 0xA0), raw(0xF0, 0x9F),
			raw(0xE2, 0x82));

	@Test
	void streamsOfPiecesCutAnywhereGiveTheSameResultAsWhole() {
		Fuzz.check(2000, (gen) -> {
			byte[] input = pieceStream(gen);
			List<byte[]> chunks = cutAtPoints(gen, input);
			gen.input("default limit, cut into " + hex(chunks));
			int limit = SseParser.DEFAULT_MAX_EVENT_BYTES;
			assertThat(Outcome.of(chunks, limit, false)).isEqualTo(Outcome.of(List.of(input), limit, false));
			assertThat(Outcome.of(chunks, limit, true)).isEqualTo(Outcome.of(List.of(input), limit, true));
		});
	}

	@Test
	void streamsOfPiecesCutAnywhereTripASmallLimitAfterTheSameEvents() {
		AtomicInteger tries = new AtomicInteger();
		AtomicInteger exceeded = new AtomicInteger();
		Fuzz.check(2000, (gen) -> {
			byte[] input = pieceStream(gen);
			List<byte[]> chunks = cutAtPoints(gen, input);
			gen.input("limit 40, dispatch pending true, cut into " + hex(chunks));
			Outcome whole = Outcome.of(List.of(input), 40, true);
			tries.incrementAndGet();
			if (whole.limitExceeded()) {
				exceeded.incrementAndGet();
			}
			assertThat(Outcome.of(chunks, 40, true)).isEqualTo(whole);
		});
		// Not vacuous either way: a full run tries streams on both sides of the limit (a replay of one seed cannot).
		if (tries.get() >= 100) {
			assertThat(exceeded.get()).as("tries past the limit, of %d", tries.get()).isBetween(1, tries.get() - 1);
		}
	}

	@Test
	void randomBytesCutAnywhereGiveTheSameEventsAsWhole() {
		Fuzz.check(500, (gen) -> {
			byte[] input = randomStream(gen);
			List<byte[]> chunks = cut(gen, input);
			int limit = gen.chance(0.5) ? gen.between(1, 200) : SseParser.DEFAULT_MAX_EVENT_BYTES;
			boolean dispatchPending = gen.chance(0.5);
			gen.input("limit " + limit + ", dispatch pending " + dispatchPending + ", cut into " + hex(chunks));
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

	/** Up to 80 {@link #PIECES}, end to end. */
	private static byte[] pieceStream(Gen gen) {
		return SseFeeding.concat(gen.list(80, () -> gen.oneOf(PIECES)));
	}

	/** Cut at up to 30 points in {@code [0, 400]}; points past the end cut there, so some chunks are empty. */
	private static List<byte[]> cutAtPoints(Gen gen, byte[] input) {
		TreeSet<Integer> points = new TreeSet<>();
		for (int point : gen.list(30, () -> gen.between(0, 400))) {
			points.add(Math.min(point, input.length));
		}
		points.add(input.length);
		List<byte[]> chunks = new ArrayList<>();
		int start = 0;
		for (int point : points) {
			chunks.add(Arrays.copyOfRange(input, start, point));
			start = point;
		}
		return chunks;
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

	private static List<String> hex(List<byte[]> chunks) {
		return chunks.stream().map((chunk) -> HexFormat.of().formatHex(chunk)).toList();
	}

	private static byte[] raw(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
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
