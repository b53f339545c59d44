package io.echo.llm.benchmarks.decode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.echo.llm.benchmarks.stats.Alternation;
import io.echo.llm.benchmarks.stats.Summary;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The decode figure again, timed by the thread's CPU time instead of the wall clock, with the variants in alternation:
 * on a machine shared with other work a thread waiting for a core is not charged, so the ratios stay meaningful where
 * JMH's wall-clock scores swing. Same code paths and input as {@link DecodeBenchmark}; JIT warm-up is the first
 * rounds.
 */
public final class DecodeCpuTime {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final String[] PIECES = { "whole", "4096", "64", "1" };

	private final DecodeBenchmark benchmark = new DecodeBenchmark();

	private final DecodeBenchmark.Input input = new DecodeBenchmark.Input();

	private final Blackhole blackhole = new Blackhole(
			"Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

	private final long trialNanos;

	private final Alternation<String, Double> alternation;

	public DecodeCpuTime(long trialNanos, int warmups, int iterations) {
		this.trialNanos = trialNanos;
		this.alternation = new Alternation<>(warmups, iterations);
		this.input.load();
	}

	/** Runs the variants in alternation and prints ns of CPU per chunk, with ratios to Jackson alone. */
	public void run() throws Exception {
		Map<String, Runnable> variants = new LinkedHashMap<>();
		variants.put("jacksonAlone", () -> this.benchmark.jacksonAlone(this.input, this.blackhole));
		for (String piece : PIECES) {
			DecodeBenchmark.Split split = new DecodeBenchmark.Split();
			split.piece = piece;
			split.parse();
			variants.put("engineDecode " + piece,
					() -> this.benchmark.engineDecode(this.input, split, this.blackhole));
			variants.put("sseParserAndJackson " + piece,
					() -> this.benchmark.sseParserAndJackson(this.input, split, this.blackhole));
			variants.put("sseParserAlone " + piece,
					() -> this.benchmark.sseParserAlone(this.input, split, this.blackhole));
		}
		Map<String, List<Double>> results = this.alternation.run(List.copyOf(variants.keySet()),
				(name) -> nanosPerChunk(variants.get(name)));
		double floor = Summary.of(results.get("jacksonAlone")).median();
		System.out.printf(Locale.ROOT, "%n### Decode from memory, CPU ns per chunk (%s)%n%n", Runtime.version());
		System.out.println("| variant | pieces | CPU ns per chunk median (min to max) | x Jackson alone |");
		System.out.println("|---|---|---|---|");
		results.forEach((name, values) -> {
			Summary summary = Summary.of(values);
			String[] parts = (name + " -").split(" ");
			System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f |%n", parts[0], parts[1], summary.format(0),
					summary.median() / floor);
		});
	}

	private double nanosPerChunk(Runnable variant) {
		long start = THREADS.getCurrentThreadCpuTime();
		long invocations = 0;
		long spent;
		do {
			variant.run();
			invocations++;
			spent = THREADS.getCurrentThreadCpuTime() - start;
		}
		while (spent < this.trialNanos);
		return (double) spent / (invocations * DecodeBenchmark.EVENTS);
	}

}
