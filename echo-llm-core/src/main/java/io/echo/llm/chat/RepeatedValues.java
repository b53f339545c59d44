package io.echo.llm.chat;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;

/**
 * The last value each string and long component had in the chunks of one stream, handed out again when the next
 * chunk repeats it. A provider repeats the id, object, model, system fingerprint and creation time in every chunk of a
 * stream, and a new string for each (and a new {@code Long}) was about a fifth of the bytes a chunk allocated: time in
 * the reading thread, which on a machine that zeroes each fresh page of heap on first touch is most of what
 * allocation costs. A repeated value is recognised by comparing the parser's characters with a copy of the last ones,
 * which is cheaper than making the string. A component whose values keep changing (reasoning text, tool-call
 * arguments) is given up after {@value #GIVE_UP} misses in a row, so that it costs no copy per chunk.
 * <p>
 * A decoder asks for this by giving its reader the attribute {@value #ATTRIBUTE}: a one-element {@code Object[]}
 * that it owns for the stream, in which the codec keeps the stream's instance (no API type is needed for it). Used by
 * the thread that decodes the stream, like the decoder; not thread-safe.
 */
final class RepeatedValues {

	/** The reader attribute under which a decoder offers the one-element array that holds its instance. */
	static final String ATTRIBUTE = "io.echo.llm.chat.RepeatedValues";

	private static final int GIVE_UP = 4;

	private @Nullable String[] strings = new String[0];

	private char[][] chars = new char[0][];

	private @Nullable Long[] longs = new Long[0];

	/** Misses in a row per component; at {@value #GIVE_UP} the component is read as if there were no cache. */
	private byte[] misses = new byte[0];

	private RepeatedValues() {
	}

	/** The instance of the stream the context decodes for, or {@code null} when its decoder asked for none. */
	static @Nullable RepeatedValues of(DeserializationContext context) {
		if (!(context.getAttribute(ATTRIBUTE) instanceof Object[] cell) || cell.length != 1) {
			return null;
		}
		if (cell[0] instanceof RepeatedValues values) {
			return values;
		}
		RepeatedValues values = new RepeatedValues();
		cell[0] = values;
		return values;
	}

	/** The string value the parser stands at; the same instance as the component's last one when equal. */
	String string(WireComponent component, JsonParser parser) {
		int slot = component.slot;
		if (slot >= this.misses.length) {
			grow(slot);
		}
		if (this.misses[slot] >= GIVE_UP) {
			return parser.getString();
		}
		String last = this.strings[slot];
		if (last != null) {
			char[] lastChars = this.chars[slot];
			int length = parser.getStringLength();
			if (length == lastChars.length) {
				int offset = parser.getStringOffset();
				if (Arrays.equals(lastChars, 0, length, parser.getStringCharacters(), offset, offset + length)) {
					this.misses[slot] = 0;
					return last;
				}
			}
			this.misses[slot]++;
		}
		String value = parser.getString();
		this.strings[slot] = value;
		this.chars[slot] = value.toCharArray();
		return value;
	}

	/** The boxed long; the same instance as the component's last one when equal. */
	Long longValue(WireComponent component, long value) {
		int slot = component.slot;
		if (slot >= this.misses.length) {
			grow(slot);
		}
		Long last = this.longs[slot];
		if (last != null && last == value) {
			return last;
		}
		Long boxed = value;
		this.longs[slot] = boxed;
		return boxed;
	}

	private void grow(int slot) {
		int length = Math.max(slot + 1, WireComponent.slots());
		this.strings = Arrays.copyOf(this.strings, length);
		this.chars = Arrays.copyOf(this.chars, length);
		this.longs = Arrays.copyOf(this.longs, length);
		this.misses = Arrays.copyOf(this.misses, length);
	}

}
