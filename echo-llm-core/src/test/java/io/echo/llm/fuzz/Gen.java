package io.echo.llm.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The random choices of one try, from one seed: the same seed makes the same input.
 */
public final class Gen {

	private final Random random;

	private String input = "(not described)";

	Gen(long seed) {
		this.random = new Random(seed);
	}

	/**
	 * Describes the input of this try, for the report of a failure.
	 * @param description the input, as text a reader can paste into a regression test
	 */
	public void input(String description) {
		this.input = description;
	}

	String describedInput() {
		return this.input;
	}

	/** An int in {@code [min, max]}. */
	public int between(int min, int max) {
		return min + (int) ((long) this.random.nextInt(Integer.MAX_VALUE) % ((long) max - min + 1));
	}

	/** Any int, edges more often than chance would have them. */
	public int anyInt() {
		return chance(0.2) ? oneOf(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE) : this.random.nextInt();
	}

	/** Any long, edges more often than chance would have them. */
	public long anyLong() {
		return chance(0.2) ? oneOf(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L + Integer.MAX_VALUE)
				: this.random.nextLong();
	}

	public double anyDouble() {
		return chance(0.3) ? oneOf(0.5, -0.0, 1e9, 2147483648.0, Double.MAX_VALUE, Double.MIN_VALUE)
				: Double.longBitsToDouble(this.random.nextLong() & 0x7FEFFFFFFFFFFFFFL) * (chance(0.5) ? 1 : -1);
	}

	public boolean chance(double probability) {
		return this.random.nextDouble() < probability;
	}

	public byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	@SafeVarargs
	public final <T> T oneOf(T... values) {
		return values[this.random.nextInt(values.length)];
	}

	public <T> T oneOf(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

	/** A list of {@code [0, maxSize]} elements. */
	public <T> List<T> list(int maxSize, Supplier<T> element) {
		int size = between(0, maxSize);
		List<T> list = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			list.add(element.get());
		}
		return list;
	}

	/** Characters from anywhere in UTF-16, lone surrogates included. */
	public String anyChars(int maxLength) {
		StringBuilder text = new StringBuilder();
		int length = between(0, maxLength);
		for (int i = 0; i < length; i++) {
			text.append((char) this.random.nextInt(Character.MAX_VALUE + 1));
		}
		return text.toString();
	}

	/** Characters from the given ones. */
	public String chars(String alphabet, int maxLength) {
		StringBuilder text = new StringBuilder();
		int length = between(0, maxLength);
		for (int i = 0; i < length; i++) {
			text.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

	/** Read sizes for a body: mostly a few bytes at a time, sometimes up to a whole buffer. */
	public List<Integer> readSizes() {
		int max = chance(0.5) ? 8 : 9000;
		List<Integer> sizes = new ArrayList<>();
		int count = between(1, 5);
		for (int i = 0; i < count; i++) {
			sizes.add(between(1, max));
		}
		return sizes;
	}

}
