package io.echo.llm.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.echo.llm.benchmarks.clients.StreamingClients;
import io.echo.llm.benchmarks.decode.DecodeCpuTime;
import io.echo.llm.benchmarks.loopback.LatencyBenchmark;
import io.echo.llm.benchmarks.loopback.ThroughputBenchmark;
import io.echo.llm.benchmarks.relay.RelayScaleBenchmark;
import io.echo.llm.benchmarks.relay.RelayScaleBenchmark.Mode;
import io.echo.llm.benchmarks.relay.RelayScaleBenchmark.Store;

/**
 * One entry point for every figure in {@code BENCHMARKS.md}; run from the repository root after
 * {@code mvn -B package -DskipTests -pl echo-llm-benchmarks -am}: <pre class="code">
 * java -jar echo-llm-benchmarks/target/benchmarks.jar throughput [--chunks 100000] [--warmups 2] [--iterations 5]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar latency [--chunks 1000] [--interval-ms 2]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar decode [JMH options, e.g. -prof gc]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar decode-cpu [--trial-ms 300] [--warmups 3] [--iterations 5]
 * java -jar echo-llm-benchmarks/target/benchmarks.jar relay [--streams 500,1000,2000,5000] [--tokens 200]
 *     [--warmup-short-streams 6000] [--warmup-streams 200]
 *     [--modes java17-platform,java25-virtual,java25-virtual-redis] (also java25-platform,
 *     java25-virtual-resumable, java25-virtual-guarded [--max-cpu-load 0.9], reference-nio-proxy,
 *     reference-thread-proxy) [--relay-nice 0] [--relay-jvm-args "-Dx=y ..."]
 *     [--floor true] [--jfr false] [--sample-jar PATH]
 * </pre> Every command takes {@code --clients echo-llm,openai-java,...} (default: all). Tables go to standard output,
 * progress to standard error.
 */
public final class BenchmarkMain {

	private static final String SAMPLE_JAR = "echo-llm-sample-app/target/echo-llm-sample-app-0.1.0-SNAPSHOT.jar";

	private static final String RELAY_OUT = "echo-llm-benchmarks/target/relay-scale";

	private static final String REDIS_LIB = "echo-llm-benchmarks/target/redis-lib";

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
			case "decode-cpu" -> {
				Options options = Options.parse(rest);
				new DecodeCpuTime(Duration.ofMillis(options.integer("trial-ms", 300)).toNanos(),
						options.integer("warmups", 3), options.integer("iterations", 5))
					.run();
			}
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
			case "relay" -> {
				Options options = Options.parse(rest);
				new RelayScaleBenchmark(Path.of(options.text("sample-jar", SAMPLE_JAR)), options.integer("tokens", 200),
						Duration.ofSeconds(options.integer("ramp-seconds", 5)),
						Path.of(options.text("out", RELAY_OUT)), Path.of(options.text("redis-lib", REDIS_LIB)),
						options.integer("warmup-streams", 200), options.integer("warmup-short-streams", 6000))
					.relayNice(options.integer("relay-nice", 0))
					.relayJvmArgs(Arrays.stream(options.text("relay-jvm-args", "").split(" "))
						.filter((arg) -> !arg.isBlank())
						.toList())
					.run(options.modes(), options.integers("streams", "500,1000,2000,5000"),
							Boolean.parseBoolean(options.text("floor", "true")));
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

		String text(String name, String fallback) {
			return this.values.getOrDefault(name, fallback);
		}

		List<Integer> integers(String name, String fallback) {
			return Arrays.stream(text(name, fallback).split(",")).map(Integer::valueOf).toList();
		}

		List<Mode> modes() {
			Path java17 = Path.of(text("java17", System.getProperty("java.home")));
			Path java25 = Path.of(text("java25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
			Path jfr = Boolean.parseBoolean(text("jfr", "false")) ? Path.of(text("out", RELAY_OUT)).toAbsolutePath()
					: null;
			return Arrays.stream(text("modes", "java17-platform,java25-virtual,java25-virtual-redis").split(","))
				.filter((name) -> !name.isBlank() && !name.equals("none"))
				.map((name) -> switch (name) {
					case "java17-platform" -> new Mode(name, java17, false, Store.NONE, jfr);
					case "java25-platform" -> new Mode(name, java25, false, Store.NONE, jfr);
					case "java25-virtual" -> new Mode(name, java25, true, Store.NONE, jfr);
					// The same with echo.llm.relay.max-cpu-load: at overload it refuses new streams with 503.
					case "java25-virtual-guarded" -> Mode.guarded(name, java25, jfr, text("max-cpu-load", "0.9"));
					// The resumable relay with its events in memory: what the Redis mode is compared with.
					case "java25-virtual-resumable" -> new Mode(name, java25, true, Store.MEMORY, jfr);
					// The resumable relay with its events in a redis-server the benchmark starts; skipped without one.
					case "java25-virtual-redis" -> new Mode(name, java25, true, Store.REDIS, jfr);
					// What relaying a token costs at the least (ByteProxy): one selector, or a virtual thread per side.
					case "reference-nio-proxy" -> Mode.proxy(name, java25, "nio");
					case "reference-thread-proxy" -> Mode.proxy(name, java25, "threads");
					default -> throw new IllegalArgumentException("Unknown mode " + name);
				})
				.toList();
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
