package io.echo.llm.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.echo.llm.benchmarks.clients.StreamingClients;
import io.echo.llm.benchmarks.loopback.LatencyBenchmark;
import io.echo.llm.benchmarks.loopback.ThroughputBenchmark;

/**
 * One entry point for every figure in {@code BENCHMARKS.md}; run from the repository root after
 * {@code mvn -B package -DskipTests -pl echo-llm-benchmarks -am}: <pre class="code">
 * java -jar echo-llm-benchmarks/target/benchmarks.jar throughput [--chunks 100000] [--warmups 2] [--iterations 5]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar latency [--chunks 1000] [--interval-ms 2]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar decode [JMH options, e.g. -prof gc]
 * </pre> Every command takes {@code --clients echo-llm,openai-java,...} (default: all). Tables go to standard output,
 * progress to standard error.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("Usage: benchmarks.jar throughput|latency|decode|relay [options]; see BENCHMARKS.md");
			System.exit(2);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "decode" -> org.openjdk.jmh.Main.main(withInclude(rest, "DecodeBenchmark"));
			case "throughput" -> {
				Options options = Options.parse(rest);
				new ThroughputBenchmark(options.integer("chunks", 100_000), options.integer("warmups", 2),
						options.integer("iterations", 5))
					.run(options.clients());
			}
			case "latency" -> {
				Options options = Options.parse(rest);
				new LatencyBenchmark(options.integer("chunks", 1000),
						Duration.ofMillis(options.integer("interval-ms", 2)).toNanos(), options.integer("warmups", 1),
						options.integer("iterations", 5))
					.run(options.clients());
			}
			default -> {
				System.err.println("Unknown benchmark '" + args[0] + "'");
				System.exit(2);
			}
		}
		// Peers leave non-daemon pool threads behind (OkHttp, Reactor); the figures are printed, so stop here.
		System.exit(0);
	}

	private static String[] withInclude(String[] jmhArgs, String benchmark) {
		String[] all = Arrays.copyOf(jmhArgs, jmhArgs.length + 1);
		all[jmhArgs.length] = benchmark;
		return all;
	}

	/** {@code --name value} pairs. */
	record Options(Map<String, String> values) {

		static Options parse(String[] args) {
			Map<String, String> values = new HashMap<>();
			for (int i = 0; i < args.length; i += 2) {
				if (!args[i].startsWith("--") || i + 1 >= args.length) {
					throw new IllegalArgumentException("Expected --name value pairs, got " + Arrays.toString(args));
				}
				values.put(args[i].substring(2), args[i + 1]);
			}
			return new Options(values);
		}

		int integer(String name, int fallback) {
			String value = this.values.get(name);
			return (value != null) ? Integer.parseInt(value.replace("_", "").replace(",", "")) : fallback;
		}

		List<String> clients() {
			String value = this.values.get("clients");
			return (value != null) ? List.of(value.split(",")) : StreamingClients.NAMES;
		}

	}

}
