package io.echo.llm.fuzz;

import java.security.SecureRandom;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Runs a property over many generated inputs, each from its own seed, and names the seed of a failing try so that it
 * can be run again alone.
 * <p>
 * The seeds count up from a base. By default the base is fixed per property, derived from the name of the test
 * method that calls {@link #check}: every build runs the same inputs, and CI goes red only for a change, never for
 * a new draw. {@code -Decho.fuzz.seed=random} draws a new base per property on each run, to explore new inputs
 * locally; {@code -Decho.fuzz.seed=<n>} starts every property at {@code n}. {@code -Decho.fuzz.tries} overrides
 * every property's number of tries. To replay a failure:
 * {@code mvn -pl echo-llm-core -am verify -Dtest='ReadSideFuzzTests' -Decho.fuzz.seed=<seed> -Decho.fuzz.tries=1}.
 * A failure a random seed finds is pinned as a plain {@code @Test} with its input, so that it stays tested.
 * <p>
 * A small harness of our own rather than jqwik: jqwik from 1.10 on asks, in its release notes and in an "Anti-AI
 * Usage Clause", not to be used by AI coding agents, and these tests were written by one. Without shrinking, a
 * failure reports its whole input (shortened); properties keep inputs small for that reason.
 */
public final class Fuzz {

	/** The system property naming the base seed: absent, {@code random}, or a number. */
	static final String SEED_PROPERTY = "echo.fuzz.seed";

	private static final @Nullable String SEED = System.getProperty(SEED_PROPERTY);

	/** One draw per run: properties of a random run differ from each other through their names. */
	private static final long RANDOM_BASE = new SecureRandom().nextLong();

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
		StackWalker.StackFrame caller = StackWalker.getInstance()
			.walk((frames) -> frames.skip(1).findFirst())
			.orElseThrow();
		long base = baseSeed(SEED, caller.getClassName() + "#" + caller.getMethodName());
		int count = (TRIES != null) ? TRIES : tries;
		for (int i = 0; i < count; i++) {
			long seed = base + i;
			Gen gen = new Gen(seed);
			try {
				property.accept(gen);
			}
			catch (Throwable ex) {
				throw new AssertionError("Try " + (i + 1) + " of " + count + " failed with "
						+ shorten(escape(ex.toString())) + "\nReplay it with -D" + SEED_PROPERTY + "=" + seed
						+ " -Decho.fuzz.tries=1\nInput (Java string escapes): " + shorten(escape(gen.describedInput())),
						ex);
			}
		}
	}

	/**
	 * The first seed of a property.
	 * @param setting the value of {@code -Decho.fuzz.seed}, if any
	 * @param property the property's name, {@code class#method}
	 */
	static long baseSeed(@Nullable String setting, String property) {
		if (setting == null || setting.isBlank()) {
			return fixedSeed(property);
		}
		if (setting.strip().equalsIgnoreCase("random")) {
			return RANDOM_BASE ^ fixedSeed(property);
		}
		try {
			return Long.parseLong(setting.strip());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"-D" + SEED_PROPERTY + " must be a number or 'random', not '" + setting + "'", ex);
		}
	}

	/**
	 * A seed from the property's name (FNV-1a, 64 bits): the same on every JVM, unlike a hash code that the JDK may
	 * change, and different for every property. Renaming a test draws it new inputs.
	 */
	static long fixedSeed(String property) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < property.length(); i++) {
			hash = (hash ^ property.charAt(i)) * 0x100000001b3L;
		}
		// Non-negative, and far enough from Long.MAX_VALUE that counting up never wraps: replay seeds stay readable.
		return (hash >>> 2);
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
