package io.echo.llm.sse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static io.echo.llm.sse.SseFeeding.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * However a stream is cut into {@code feed} calls, the parser sees the same stream.
 */
class SseParserPropertyTests {

	// Pieces that make the parser's state machine work hard at every boundary: field names, line ends of all kinds,
	// the BOM, multi-byte characters (up to four bytes), malformed and truncated UTF-8, NUL.
	private static final List<byte[]> PIECES = List.of(utf8("data:"), utf8("data: "), utf8("event:"),
			utf8("event: ping"), utf8("id:"), utf8("id: 7"), utf8("retry: 3000"), utf8("retry: x"), utf8(":"),
			utf8(": keep-alive"), utf8("\r"), utf8("\n"), utf8("\r\n"), utf8("\r\n\r\n"), utf8("\n\n"),
			utf8("\uFEFF"), raw(0xEF, 0xBB), utf8("x"), utf8(" "), utf8("{\"a\":1}"), utf8("\u00e9"), utf8("\u20ac"),
			utf8("\uD83D\uDE00"), utf8("\0"), raw(0x80), raw(0xFF), raw(0xC0, 0xAF), raw(0xED, 0xA0), raw(0xF0, 0x9F),
			raw(0xE2, 0x82));

	@Property(tries = 2000)
	void anyChunkingGivesTheSameResultAsFeedingWhole(@ForAll("streams") byte[] input,
			@ForAll("cuts") List<Integer> cuts) {
		List<byte[]> chunks = cut(input, cuts);
		int limit = SseParser.DEFAULT_MAX_EVENT_BYTES;
		assertThat(Outcome.of(chunks, limit, false)).isEqualTo(Outcome.of(List.of(input), limit, false));
		assertThat(Outcome.of(chunks, limit, true)).isEqualTo(Outcome.of(List.of(input), limit, true));
	}

	@Property(tries = 2000)
	void anyChunkingTripsASmallLimitAfterTheSameEvents(@ForAll("streams") byte[] input,
			@ForAll("cuts") List<Integer> cuts) {
		Outcome whole = Outcome.of(List.of(input), 40, true);
		Statistics.label("limit exceeded").collect(whole.limitExceeded());
		assertThat(Outcome.of(cut(input, cuts), 40, true)).isEqualTo(whole);
	}

	@Provide
	Arbitrary<byte[]> streams() {
		return Arbitraries.of(PIECES).list().ofMaxSize(80).map(SseFeeding::concat);
	}

	@Provide
	Arbitrary<List<Integer>> cuts() {
		return Arbitraries.integers().between(0, 400).list().ofMaxSize(30);
	}

	private static List<byte[]> cut(byte[] input, List<Integer> cuts) {
		TreeSet<Integer> points = new TreeSet<>();
		for (int cut : cuts) {
			points.add(Math.min(cut, input.length));
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



	private static byte[] raw(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	/**
	 * Everything a client can observe of one parse.
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
			boolean pendingDispatched = false;
			if (dispatchPending) {
				pendingDispatched = parser.finishAndDispatchPending();
			}
			else {
				parser.finish();
			}
			return new Outcome(events, limitExceeded, pendingDispatched, parser.retry(), parser.lastEventId(),
					parser.commentCount());
		}

	}

}
