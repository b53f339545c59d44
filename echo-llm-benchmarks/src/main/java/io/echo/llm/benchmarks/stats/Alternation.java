package io.echo.llm.benchmarks.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every contender once per round, A B C D, then B C D A, and so on, so that none always runs first (cold caches) or
 * last (after everyone else's garbage), and so that slow drifts of a shared machine touch all contenders alike. The
 * first rounds warm up and are not kept. Each run starts on a collected heap: a collection (or a concurrent cycle of
 * G1) that another contender's garbage made due would otherwise land in whichever run comes next, and be counted
 * as its CPU.
 *
 * @param <C> the contender
 * @param <S> one measurement
 */
public final class Alternation<C, S> {

	private final int warmups;

	private final int iterations;

	public Alternation(int warmups, int iterations) {
		this.warmups = warmups;
		this.iterations = iterations;
	}

	/** Runs the rounds and returns the kept measurements of each contender, in the contenders' order. */
	public Map<C, List<S>> run(List<C> contenders, Trial<C, S> trial) throws Exception {
		Map<C, List<S>> kept = new LinkedHashMap<>();
		contenders.forEach((contender) -> kept.put(contender, new ArrayList<>()));
		for (int round = 0; round < this.warmups + this.iterations; round++) {
			boolean warmup = round < this.warmups;
			for (int i = 0; i < contenders.size(); i++) {
				C contender = contenders.get((round + i) % contenders.size());
				System.gc();
				S measurement = trial.run(contender);
				System.err.printf("%s %d: %s %s%n", warmup ? "warm-up" : "round", round + 1, contender, measurement);
				if (!warmup) {
					kept.get(contender).add(measurement);
				}
			}
		}
		return kept;
	}

	/** One measured run of one contender. */
	@FunctionalInterface
	public interface Trial<C, S> {

		S run(C contender) throws Exception;

	}

}
