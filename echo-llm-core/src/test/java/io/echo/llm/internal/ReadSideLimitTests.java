package io.echo.llm.internal;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.fuzz.Bounded;
import io.echo.llm.fuzz.Fuzz;
import io.echo.llm.fuzz.Gen;
import io.echo.llm.internal.ReadSide.CountingBody;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.echo.llm.internal.ReadSideFuzzTests.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or broken provider can send to exhaust the reader: an event that never ends, JSON nested beyond any
 * sense, numbers of a million digits. Each ends the stream with an {@code LlmException} (or, for JSON the decoder
 * cannot read, is skipped), quickly, after the chunks that came before it, and without reading (so buffering) more
 * than the configured limit.
 */
class ReadSideLimitTests {

	/** The stream's read buffer: the most it reads past the point where it could tell the limit was exceeded. */
	private static final int READ_BUFFER = 8192;

	private static final Duration BOUND = Duration.ofSeconds(10);

	@Test
	void anEventThatNeverEndsFailsAfterTheChunksBeforeItWithoutReadingMuchPastTheLimit() {
		Fuzz.check(150, (gen) -> {
			int limit = gen.between(64, 64 * 1024);
			int before = gen.between(0, 3);
			byte[] prefix = chunks(before, 0);
			String pattern = gen.oneOf("x", "data: x\n", "id: 1\n", "event: e\r\n", ": comment with no end ", "\u00e9");
			String start = pattern.startsWith(":") ? "" : gen.oneOf("", "data: ");
			List<Integer> sizes = gen.readSizes();
			gen.input("limit " + limit + ", " + before + " chunks, then " + start + " and '" + pattern
					+ "' forever, read sizes " + sizes);
			EndlessBody body = new EndlessBody(concat(prefix, utf8(start)), utf8(pattern), sizes);
			Outcome outcome = Bounded.within(BOUND, () -> ReadSide.read(body, limit));
			assertThat(outcome.failure()).isInstanceOf(LlmInvalidResponseException.class)
				.hasMessageContaining("larger than " + limit + " bytes");
			assertThat(outcome.chunks()).extracting(ChatCompletionChunk::text).containsExactlyElementsOf(texts(before, 0));
			// The limit counts the bytes of the lines without their terminators; only data is kept at all.
			long patternBytes = utf8(pattern).length;
			long countedBytes = utf8(pattern.replace("\r", "").replace("\n", "")).length;
			long limitInBytes = (limit + countedBytes) * patternBytes / countedBytes;
			assertThat(outcome.bytesRead()).isLessThanOrEqualTo(prefix.length + start.length() + limitInBytes
					+ 2L * READ_BUFFER);
			assertThat(outcome.bodyClosed()).isTrue();
		});
	}

	@Test
	void chunksReadTogetherWithAnOversizedEventAreHandedOutBeforeTheFailure() {
		int limit = 1024;
		byte[] body = concat(chunks(2, 0), utf8("data: " + "x".repeat(limit) + "\n\n"), chunks(1, 2));
		Outcome outcome = ReadSide.read(body, limit);
		assertThat(outcome.chunks()).extracting(ChatCompletionChunk::text).containsExactly("t0", "t1");
		assertThat(outcome.failure()).isInstanceOf(LlmInvalidResponseException.class)
			.hasMessageContaining("larger than 1024 bytes");
	}

	@Test
	void deeplyNestedJsonIsSkippedOrEndsTheStreamQuickly() {
		Fuzz.check(60, (gen) -> {
			int depth = gen.oneOf(gen.between(1, 2000), gen.between(2000, 100_000));
			boolean closed = gen.chance(0.5);
			String open = gen.oneOf("[", "{\"a\":", "[{\"b\":");
			String close = open.equals("[") ? "]" : open.equals("{\"a\":") ? "}" : "}]";
			String nested = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
			String event = gen.oneOf("data: " + nested, "data: {\"choices\":" + nested + "}",
					"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + nested + "}}]}",
					"data: {\"x\":" + nested + ",\"choices\":[]}", "data: {\"error\":{\"message\":" + nested + "}}",
					"event: error\ndata: " + nested);
			gen.input("depth " + depth + ", closed " + closed + ": " + event.substring(0, Math.min(200, event.length())));
			assertReadableAroundIt(gen, event);
		});
	}

	@Test
	void hugeNumbersAreSkippedOrEndTheStreamQuickly() {
		Fuzz.check(60, (gen) -> {
			int digits = gen.oneOf(gen.between(1, 2000), gen.between(2000, 1_000_000));
			String number = gen.oneOf("", "-") + gen.oneOf("9", "1") + "0".repeat(digits - 1)
					+ gen.oneOf("", ".5", "e" + digits, "e-" + digits, "E+999999999");
			String event = "data: " + gen.oneOf("{\"created\":N,\"choices\":[]}",
					"{\"choices\":[{\"index\":N,\"delta\":{\"content\":\"c\"}}]}",
					"{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":N}]}}]}",
					"{\"choices\":[],\"usage\":{\"prompt_tokens\":N,\"total_tokens\":N}}", "{\"x\":N,\"choices\":[]}",
					"{\"error\":{\"message\":\"m\",\"code\":N}}").replace("N", number);
			gen.input(digits + " digits: " + event.substring(0, Math.min(200, event.length())));
			assertReadableAroundIt(gen, event);
		});
	}

	/**
	 * The event, between two good chunks and before {@code [DONE]}: the stream either skips it (and goes on) or ends
	 * with an {@code LlmException} after the chunk before it; either way within the bound.
	 */
	private static void assertReadableAroundIt(Gen gen, String event) {
		byte[] body = concat(chunks(1, 0), utf8(event + "\n\n"), chunks(1, 1), utf8("data: [DONE]\n\n"));
		List<Integer> sizes = gen.chance(0.5) ? List.of() : gen.readSizes();
		Outcome outcome = Bounded.within(BOUND, () -> ReadSide.read(body, sizes, SseParser.DEFAULT_MAX_EVENT_BYTES));
		@Nullable LlmException failure = outcome.failure();
		List<String> texts = outcome.chunks().stream().map(ChatCompletionChunk::text).toList();
		if (failure == null) {
			// Skipped, or read as a chunk with the odd value kept as it came.
			assertThat(texts).startsWith("t0").endsWith("t1");
		}
		else {
			assertThat(failure).isInstanceOfAny(LlmInvalidResponseException.class, LlmStreamErrorException.class);
			assertThat(texts).startsWith("t0").doesNotContain("t1");
		}
	}

	/** {@code count} content chunks with the texts {@code t<first>, t<first+1>, ...}. */
	static byte[] chunks(int count, int first) {
		StringBuilder body = new StringBuilder();
		for (String text : texts(count, first)) {
			body.append("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
				.append(text)
				.append("\"}}]}\n\n");
		}
		return utf8(body.toString());
	}

	private static List<String> texts(int count, int first) {
		return java.util.stream.IntStream.range(first, first + count).mapToObj((i) -> "t" + i).toList();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** A body that starts with a prefix and then repeats a pattern for ever, in reads of the given sizes. */
	private static final class EndlessBody extends CountingBody {

		private final byte[] prefix;

		private final byte[] pattern;

		private final List<Integer> sizes;

		private long position;

		private int reads;

		EndlessBody(byte[] prefix, byte[] pattern, List<Integer> sizes) {
			this.prefix = prefix;
			this.pattern = pattern;
			this.sizes = sizes;
		}

		@Override
		public int read() {
			throw new UnsupportedOperationException("the stream reads into its buffer");
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			int count = Math.min(length, this.sizes.get(this.reads++ % this.sizes.size()));
			for (int i = 0; i < count; i++) {
				long at = this.position++;
				buffer[offset + i] = (at < this.prefix.length) ? this.prefix[(int) at]
						: this.pattern[(int) ((at - this.prefix.length) % this.pattern.length)];
			}
			count(count);
			return count;
		}

	}

}
