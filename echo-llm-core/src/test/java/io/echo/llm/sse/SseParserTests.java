package io.echo.llm.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.echo.llm.sse.SseFeeding.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Behaviour of {@link SseParser} beyond the shared vectors: chunk boundaries, limits, the end of the stream and the
 * extra state the client reads.
 */
class SseParserTests {

	private final List<SseEvent> events = new ArrayList<>();

	@Test
	void crAtEndOfOneFeedAndLfAtStartOfNextEndOneLine() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\r");
		feed(parser, "\ndata: b\r");
		feed(parser, "\n\r");
		feed(parser, "\n");
		assertThat(this.events).containsExactly(message("a\nb"));
	}

	@Test
	void loneCrAtEndOfFeedEndsTheLine() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\r");
		feed(parser, "data: b\r");
		feed(parser, "\r");
		assertThat(this.events).containsExactly(message("a\nb"));
	}

	@Test
	void emptyFeedBetweenCrAndLfKeepsThemOneLineEnd() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\r");
		parser.feed(new byte[0], 0, 0);
		feed(parser, "\ndata: b\n\n");
		assertThat(this.events).containsExactly(message("a\nb"));
	}

	/**
	 * Line ends are found eight bytes at a time: a CR or LF at every position of a word, each kind of line end, and
	 * bytes that differ from CR or LF in one bit only or are UTF-8 continuation bytes ending in 0x0A or 0x0D (which a
	 * wrong word test would take for line ends), at the start, inside and at the end of a feed's range.
	 */
	@Test
	void lineEndsAreFoundAtEveryPositionOfAWordAmongBytesThatNearlyMatch() {
		String near = "\u000b\u000c\u000e\u0009\u010a\u010d\u0d0a\u8a8d\u00e9";
		for (int length = 0; length <= 19; length++) {
			for (String end : List.of("\n", "\r", "\r\n")) {
				String value = near.repeat(3).substring(0, length);
				byte[] bytes = ("xxdata: " + value + end + "data: " + value + end + end + "yy")
					.getBytes(StandardCharsets.UTF_8);
				for (int start = 0; start < 8; start++) {
					this.events.clear();
					SseParser parser = new SseParser(this.events::add);
					byte[] shifted = new byte[start + bytes.length];
					System.arraycopy(bytes, 0, shifted, start, bytes.length);
					parser.feed(shifted, start + 2, bytes.length - 4);
					assertThat(this.events).as("length %d, end %s, start %d", length, end.length(), start)
						.containsExactly(message(value + "\n" + value));
				}
			}
		}
	}

	@Test
	void feedReadsOnlyTheGivenRangeOfTheBuffer() {
		SseParser parser = new SseParser(this.events::add);
		byte[] buffer = "xxdata: a\n\nyy".getBytes(StandardCharsets.UTF_8);
		parser.feed(buffer, 2, buffer.length - 4);
		assertThat(this.events).containsExactly(message("a"));
	}

	@Test
	void bomSplitAcrossFeedsIsStripped() {
		SseParser parser = new SseParser(this.events::add);
		parser.feed(new byte[] { (byte) 0xEF }, 0, 1);
		parser.feed(new byte[] { (byte) 0xBB }, 0, 1);
		parser.feed(new byte[] { (byte) 0xBF, 'd' }, 0, 2);
		feed(parser, "ata: a\n\n");
		assertThat(this.events).containsExactly(message("a"));
	}

	@Test
	void bomIsStrippedOnlyOnce() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "\uFEFF\uFEFFdata: a\n\ndata: b\n\n");
		assertThat(this.events).containsExactly(message("b"));
	}

	@Test
	void bomIsStrippedOnlyAtTheStartOfTheStream() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n");
		assertThat(this.events).containsExactly(message("a"), message("\uFEFFc"));
	}

	@Test
	void finishDiscardsTheIncompleteEvent() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\n\ndata: b\n");
		parser.finish();
		assertThat(this.events).containsExactly(message("a"));
	}

	@Test
	void finishDiscardsTheUnterminatedLastLine() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\n\ndata: b\n\ndata: c");
		parser.finish();
		assertThat(this.events).containsExactly(message("a"), message("b"));
	}

	@Test
	void finishAndDispatchPendingDispatchesTheEventMissingItsBlankLine() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\n\nevent: last\nid: 7\ndata: b\n");
		assertThat(parser.finishAndDispatchPending()).isTrue();
		assertThat(this.events).containsExactly(message("a"), new SseEvent("last", "b", "7"));
		assertThat(parser.lastEventId()).isEqualTo("7");
	}

	@Test
	void finishAndDispatchPendingProcessesTheUnterminatedLastLine() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\ndata: {\"b\":1}");
		assertThat(parser.finishAndDispatchPending()).isTrue();
		assertThat(this.events).containsExactly(message("a\n{\"b\":1}"));
	}

	@Test
	void finishAndDispatchPendingAtAnEventBoundaryDispatchesNothing() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "data: a\n\n: keep-alive\nid: 3\n");
		assertThat(parser.finishAndDispatchPending()).isFalse();
		assertThat(this.events).containsExactly(message("a"));
	}

	@Test
	void feedAfterFinishIsRejected() {
		SseParser parser = new SseParser(this.events::add);
		parser.finish();
		assertThatIllegalStateException().isThrownBy(() -> feed(parser, "data: a\n\n"))
			.withMessageContaining("finished or failed");
		parser.finish();
		assertThat(parser.finishAndDispatchPending()).isFalse();
	}

	@Test
	void lineLongerThanTheLimitFailsAsSoonAsTheLimitIsPassed() {
		SseParser parser = new SseParser(this.events::add, 1024);
		byte[] input = ("data: " + "x".repeat(2000) + "\n\n").getBytes(StandardCharsets.UTF_8);
		int failedAt = feedByteByByteUntilFailure(parser, input);
		assertThat(failedAt).isEqualTo(1024);
		assertThat(this.events).isEmpty();
	}

	@Test
	void lineLongerThanTheLimitInOneFeedFails() {
		SseParser parser = new SseParser(this.events::add, 1024);
		assertThatExceptionOfType(SseLimitExceededException.class)
			.isThrownBy(() -> feed(parser, "data: " + "x".repeat(2000) + "\n\n"))
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(1024))
			.withMessageContaining("limit of 1024 bytes");
	}

	@Test
	void eventOfManyLinesLargerThanTheLimitFailsAtTheLineThatPassesIt() {
		SseParser parser = new SseParser(this.events::add, 1000);
		String line = "data: " + "x".repeat(94) + "\n";
		byte[] input = (line.repeat(20) + "\n").getBytes(StandardCharsets.UTF_8);
		int failedAt = feedByteByByteUntilFailure(parser, input);
		// Ten lines of 100 bytes fill the limit exactly; the first byte of the eleventh passes it.
		assertThat(failedAt).isEqualTo(10 * line.length());
		assertThat(this.events).isEmpty();
	}

	@Test
	void eventOfExactlyTheLimitIsDispatched() {
		SseParser parser = new SseParser(this.events::add, 1000);
		String line = "data: " + "x".repeat(94) + "\n";
		feed(parser, line.repeat(10) + "\n" + line.repeat(10) + "\n");
		assertThat(this.events).hasSize(2).allSatisfy((event) -> assertThat(event.data()).hasSize(10 * 95 - 1));
	}

	@Test
	void commentsDoNotCountTowardsTheEventLimit() {
		SseParser parser = new SseParser(this.events::add, 100);
		feed(parser, "data: a\n" + ": keep-alive\n".repeat(1000) + "data: b\n\n");
		assertThat(this.events).containsExactly(message("a\nb"));
	}

	@Test
	void parserIsUnusableAfterTheLimitWasExceeded() {
		SseParser parser = new SseParser(this.events::add, 10);
		assertThatExceptionOfType(SseLimitExceededException.class).isThrownBy(() -> feed(parser, "data: 0123456789"));
		assertThatIllegalStateException().isThrownBy(() -> feed(parser, "\n\n"));
		assertThat(parser.finishAndDispatchPending()).isFalse();
		assertThat(this.events).isEmpty();
	}

	@Test
	void eventOfEightMebibytesInOneByteFeedsIsParsed() {
		SseParser parser = new SseParser(this.events::add, 16 * 1024 * 1024);
		String data = "0123456789abcdef\u00e9\u20ac\uD83D\uDE00".repeat(8 * 1024 * 1024 / 25 + 1);
		byte[] input = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
		assertThat(input.length).isGreaterThan(8 * 1024 * 1024);
		for (int i = 0; i < input.length; i++) {
			parser.feed(input, i, 1);
		}
		assertThat(this.events).hasSize(1);
		assertThat(this.events.get(0).data()).isEqualTo(data);
	}

	@Test
	void eventOfEightMebibytesInManyLinesFedOneByteAtATimeIsParsed() {
		SseParser parser = new SseParser(this.events::add, 16 * 1024 * 1024);
		String line = "x".repeat(63);
		int lines = 8 * 1024 * 1024 / 70;
		byte[] input = (("data: " + line + "\r\n").repeat(lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < input.length; i++) {
			parser.feed(input, i, 1);
		}
		assertThat(this.events).containsExactly(message(String.join("\n", Collections.nCopies(lines, line))));
	}

	@Test
	void commentCountCountsCommentLines() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, ": ping\n\n:\ndata: a\n: inside\n\n");
		assertThat(parser.commentCount()).isEqualTo(3);
		assertThat(this.events).containsExactly(message("a"));
	}

	@Test
	void retryKeepsTheLastValidValue() {
		SseParser parser = new SseParser(this.events::add);
		assertThat(parser.retry()).isEmpty();
		feed(parser, "retry: 1500\n\nretry: 15x\nretry:\nretry: -1\n\n");
		assertThat(parser.retry()).hasValue(1500);
	}

	@Test
	void retryTooLargeForALongReadsAsLongMaxValue() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "retry: 99999999999999999999999\n");
		assertThat(parser.retry()).hasValue(Long.MAX_VALUE);
	}

	@Test
	void lastEventIdChangesOnlyOnDispatch() {
		SseParser parser = new SseParser(this.events::add);
		feed(parser, "id: 1\ndata: a\n\nid: 2\n");
		assertThat(parser.lastEventId()).isEqualTo("1");
		feed(parser, "\n");
		assertThat(parser.lastEventId()).isEqualTo("2");
		assertThat(this.events).containsExactly(new SseEvent("message", "a", "1"));
	}

	@Test
	void exceptionFromTheSinkPropagatesAndLeavesTheParserUnusable() {
		SseParser parser = new SseParser((event) -> {
			throw new IllegalArgumentException("sink failed on " + event.data());
		});
		assertThatIllegalArgumentException().isThrownBy(() -> feed(parser, "data: a\n\ndata: b\n\n"))
			.withMessage("sink failed on a");
		assertThatIllegalStateException().isThrownBy(() -> feed(parser, "data: c\n\n"));
	}

	@Test
	void nonPositiveLimitIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(this.events::add, 0))
			.withMessage("maxEventBytes must be positive, was 0");
	}

	@Test
	void feedRangeOutsideTheBufferIsRejected() {
		SseParser parser = new SseParser(this.events::add);
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> parser.feed(new byte[4], 2, 3));
	}

	private static void feed(SseParser parser, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		parser.feed(bytes, 0, bytes.length);
	}

	private static int feedByteByByteUntilFailure(SseParser parser, byte[] input) {
		for (int i = 0; i < input.length; i++) {
			try {
				parser.feed(input, i, 1);
			}
			catch (SseLimitExceededException ex) {
				return i;
			}
		}
		throw new AssertionError("the limit was never exceeded");
	}


}
