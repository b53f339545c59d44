package io.echo.llm.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.echo.llm.sse.SseFeeding.concat;
import static io.echo.llm.sse.SseFeeding.message;
import static io.echo.llm.sse.SseFeeding.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * UTF-8 decoding of event data: characters split across feeds, and malformed bytes replaced the way the WHATWG
 * Encoding standard (and so a browser's {@code EventSource}) replaces them.
 */
class SseUtf8Tests {

	@ParameterizedTest(name = "{0} split {1}+{2}")
	@CsvSource({ "U+1F600, 1, 3", "U+1F600, 2, 2", "U+1F600, 3, 1", "U+20AC, 1, 2", "U+20AC, 2, 1", "U+00E9, 1, 1" })
	void characterSplitAcrossFeedsIsDecoded(String codePoint, int first, int second) {
		String character = Character.toString(Integer.parseInt(codePoint.substring(2), 16));
		byte[] encoded = character.getBytes(StandardCharsets.UTF_8);
		assertThat(encoded).hasSize(first + second);
		byte[] head = concat(List.of(utf8("data: a"), Arrays.copyOfRange(encoded, 0, first)));
		byte[] tail = concat(List.of(Arrays.copyOfRange(encoded, first, encoded.length), utf8("b\n\n")));
		assertThat(SseFeeding.inChunks(List.of(head, tail))).containsExactly(message("a" + character + "b"));
	}

	// Expected values follow https://encoding.spec.whatwg.org/#utf-8-decoder: one U+FFFD per maximal subpart.
	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"80            | FFFD",
			"FF            | FFFD",
			"C0 AF         | FFFD FFFD",
			"C3            | FFFD",
			"C3 41         | FFFD 0041",
			"E2 82         | FFFD",
			"E2 82 41      | FFFD 0041",
			"E0 80 80      | FFFD FFFD FFFD",
			"ED A0 80      | FFFD FFFD FFFD",
			"ED AC         | FFFD FFFD",
			"F0 9F 98      | FFFD",
			"F4 90 80 80   | FFFD FFFD FFFD FFFD",
			"F5 80         | FFFD FFFD",
			"EF BF BD      | FFFD",
			"41 E2 82 AC 42 | 0041 20AC 0042" })
	void malformedBytesBecomeReplacementCharacters(String input, String expectedUtf16) {
		byte[] malformed = HexFormat.of().parseHex(input.replace(" ", ""));
		String expected = new String(HexFormat.of().parseHex(expectedUtf16.replace(" ", "")),
				StandardCharsets.UTF_16BE);
		byte[] stream = concat(List.of(utf8("data: "), malformed, utf8("\n\n")));
		assertThat(SseFeeding.whole(stream)).containsExactly(message(expected));
		assertThat(SseFeeding.byteByByte(stream)).containsExactly(message(expected));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "E2 82", "F0 9F 98", "ED" })
	void truncatedSequenceBeforeALineEndIsOneReplacementCharacter(String input) {
		byte[] truncated = HexFormat.of().parseHex(input.replace(" ", ""));
		byte[] stream = concat(List.of(utf8("data: "), truncated, utf8("\rdata: x\r\n\r\n")));
		assertThat(SseFeeding.whole(stream)).containsExactly(message("\uFFFD\nx"));
	}




}
