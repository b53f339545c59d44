package io.echo.llm.sse;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding of one line exactly as the WHATWG Encoding standard's decoder does it (the decoder browsers use for
 * {@code text/event-stream}).
 * <p>
 * The JDK decoder agrees with it on valid input but not on every malformed sequence: it replaces an encoded surrogate
 * ({@code ED A0 80}) or a truncated one at the end of the input ({@code ED AC}) with one U+FFFD where the standard
 * emits one per maximal subpart. So the JDK's fast decoder handles the common case, and this decoder takes over only
 * when the JDK reported malformed input (its output then holds U+FFFD).
 */
final class Utf8 {

	private static final char REPLACEMENT = '\uFFFD';

	private Utf8() {
	}

	static String decode(byte[] bytes, int offset, int length) {
		String fast = new String(bytes, offset, length, StandardCharsets.UTF_8);
		return (fast.indexOf(REPLACEMENT) < 0) ? fast : decodeWhatwg(bytes, offset, length);
	}

	// A transcription of https://encoding.spec.whatwg.org/#utf-8-decoder, with end-of-queue at the end of the line:
	// the line terminators CR and LF are never continuation bytes, so the stream's decoder would stop any sequence
	// there too.
	static String decodeWhatwg(byte[] bytes, int offset, int length) {
		StringBuilder out = new StringBuilder(length);
		int codePoint = 0;
		int bytesSeen = 0;
		int bytesNeeded = 0;
		int lower = 0x80;
		int upper = 0xBF;
		int i = offset;
		int end = offset + length;
		while (i < end) {
			int b = bytes[i] & 0xFF;
			if (bytesNeeded == 0) {
				i++;
				if (b <= 0x7F) {
					out.append((char) b);
				}
				else if (b >= 0xC2 && b <= 0xDF) {
					bytesNeeded = 1;
					codePoint = b & 0x1F;
				}
				else if (b >= 0xE0 && b <= 0xEF) {
					lower = (b == 0xE0) ? 0xA0 : 0x80;
					upper = (b == 0xED) ? 0x9F : 0xBF;
					bytesNeeded = 2;
					codePoint = b & 0x0F;
				}
				else if (b >= 0xF0 && b <= 0xF4) {
					lower = (b == 0xF0) ? 0x90 : 0x80;
					upper = (b == 0xF4) ? 0x8F : 0xBF;
					bytesNeeded = 3;
					codePoint = b & 0x07;
				}
				else {
					out.append(REPLACEMENT);
				}
				continue;
			}
			if (b < lower || b > upper) {
				// The byte is not consumed: it starts over as a possible lead byte.
				codePoint = 0;
				bytesNeeded = 0;
				bytesSeen = 0;
				lower = 0x80;
				upper = 0xBF;
				out.append(REPLACEMENT);
				continue;
			}
			i++;
			lower = 0x80;
			upper = 0xBF;
			codePoint = (codePoint << 6) | (b & 0x3F);
			bytesSeen++;
			if (bytesSeen == bytesNeeded) {
				out.appendCodePoint(codePoint);
				codePoint = 0;
				bytesNeeded = 0;
				bytesSeen = 0;
			}
		}
		if (bytesNeeded != 0) {
			out.append(REPLACEMENT);
		}
		return out.toString();
	}

}
