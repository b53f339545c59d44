package io.echo.llm.fuzz;

import java.util.function.Consumer;

/**
 * Runs a property over many generated inputs, each from its own seed, and names the seed of a failing try so that it
 * can be run again alone.
 * <p>
 * The seeds start at {@code -Decho.fuzz.seed} (else at a new value each run, so that every build tries new inputs)
 * and count up; {@code -Decho.fuzz.tries} overrides every property's number of tries. To replay a failure:
 * {@code mvn -pl echo-llm-core -am verify -Dtest='ReadSideFuzzTests' -Decho.fuzz.seed=<seed> -Decho.fuzz.tries=1}.
 * <p>
 * A small harness of our own rather than jqwik: jqwik from 1.10 on asks, in its release notes and in an "Anti-AI
 * Usage Clause", not to be used by AI coding agents, and these tests were written by one. Without shrinking, a
 * failure reports its whole input (shortened); properties keep inputs small for that reason.
 */
public final class Fuzz {

	private static final long BASE_SEED = Long.getLong("echo.fuzz.seed", System.nanoTime());

	private static final Integer TRIES = Integer.getInteger("echo.fuzz.tries");

	private static final int MAX_SHOWN = 3000;

	private Fuzz() {
	}

	/**
	 * Runs the property {@code tries} times, each with a {@link Gen} of its own seed.
	 * @param tries how many inputs to try, unless {@code -Decho.fuzz.tries} says otherwise
	 * @param property generates its input from the {@code Gen}, describes it with {@link Gen#input}, and asserts
	 */
	public static void check(int tries, Consumer<Gen> property) {
		int count = (TRIES != null) ? TRIES : tries;
		for (int i = 0; i < count; i++) {
			long seed = BASE_SEED + i;
			Gen gen = new Gen(seed);
			try {
				property.accept(gen);
			}
			catch (Throwable ex) {
				throw new AssertionError("Try " + (i + 1) + " of " + count + " failed with "
						+ shorten(escape(ex.toString())) + "\nReplay it with -Decho.fuzz.seed=" + seed
						+ " -Decho.fuzz.tries=1\nInput (Java string escapes): " + shorten(escape(gen.describedInput())),
						ex);
			}
		}
	}

	/** Control characters, surrogates and non-ASCII as Java escapes: reports stay readable and valid XML. */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\n') {
				escaped.append("\\n\n");
			}
			else if (c == '\\') {
				escaped.append("\\\\");
			}
			else if (c < 0x20 || c > 0x7E) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static String shorten(String text) {
		return (text.length() <= MAX_SHOWN) ? text
				: text.substring(0, MAX_SHOWN) + "...(" + (text.length() - MAX_SHOWN) + " more characters)";
	}

}
