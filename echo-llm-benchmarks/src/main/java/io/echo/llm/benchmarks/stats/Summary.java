package io.echo.llm.benchmarks.stats;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Minimum, median and maximum of one figure over the measured iterations of a noisy run.
 *
 * @param min the smallest value
 * @param median the median value (the mean of the two middle values for an even count)
 * @param max the largest value
 */
public record Summary(double min, double median, double max) {

	/** Summarizes the values; at least one is needed. */
	public static Summary of(List<Double> values) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException("No values to summarize");
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		double median = (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
		return new Summary(sorted[0], median, sorted[sorted.length - 1]);
	}

	/** The value at quantile {@code q} (0 to 1) of the values, by the nearest-rank method; sorts a copy. */
	public static long quantile(long[] values, double q) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(q * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	/** {@code median (min to max)} with the given number of decimals. */
	public String format(int decimals) {
		String number = "%,." + decimals + "f";
		return String.format(Locale.ROOT, number + " (" + number + " to " + number + ")", this.median, this.min,
				this.max);
	}

}
