package io.echo.llm.web.resume;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Stream ids, sizes and follow checks, the same for every {@link LlmStreamStore}, for implementations of it.
 */
public final class StreamIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private StreamIds() {
	}

	/** Returns a new random stream id: 128 bits in URL-safe Base64, so nobody can guess another user's stream. */
	public static String next() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Checks where a follower starts. Past the last event is no id this stream ever sent: waiting there would skip the
	 * events up to it, and on a finished stream would wait for ever.
	 */
	public static void checkFollowFrom(long afterSequence, long lastSequence) {
		if (afterSequence < 0) {
			throw new IllegalArgumentException("afterSequence must be >= 0, was " + afterSequence);
		}
		if (afterSequence > lastSequence) {
			throw new IllegalArgumentException("Sequence " + afterSequence + " is past the last event of this reply ("
					+ lastSequence + ")");
		}
	}

	/** Returns the UTF-8 length of the text without encoding it, the unit Redis counts in too. */
	public static long utf8Length(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

}
