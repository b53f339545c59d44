package io.echo.llm.benchmarks.relay;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.echo.llm.benchmarks.stats.Targets;
import io.echo.llm.benchmarks.stats.Summary;
import org.jspecify.annotations.Nullable;

/**
 * Figure 4: the sample app's {@code /v1/chat/completions} relay, in its own JVM, between a {@link DripServer} upstream
 * (20 tokens per second per stream) and a {@link LoadDriver} holding hundreds to thousands of streams open at once.
 * Per mode (a JDK and its thread model) and number of streams: p99 added latency from the upstream's write to the
 * driver's read, heap after a full GC and live threads at peak (every stream open), errors, and whether every client
 * received every token. Each level runs twice, the relay's and the floor's alike: the first pass measures the heap (a
 * forced full GC with every stream open), and its latency is printed but not judged, since the pause and the backlog
 * after it would count as the relay's; the second pass, on a relay whose JIT has compiled what that many streams
 * reach, is judged.
 */
public final class RelayScaleBenchmark {

	private static final long TOKEN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / Targets.STREAM_TOKENS_PER_SECOND;

	private static final String REQUEST = "{\"model\":\"drip\",\"stream\":true,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	// The chat page's request: the resumable (browser-format) relay is the one that writes to the store.
	private static final String PAGE_REQUEST = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	private final Path sampleJar;

	private final int tokens;

	private final Duration ramp;

	private final Path outputDir;

	private final Path redisLib;

	private final int warmupStreams;

	private final int warmupShortStreams;

	private final List<String> skipped = new ArrayList<>();

	private int relayNice;

	private List<String> relayJvmArgs = List.of();

	/**
	 * @param sampleJar the sample app's executable jar
	 * @param tokens tokens per stream
	 * @param ramp the time over which each level's streams are opened
	 * @param outputDir where logs and the chart go
	 * @param redisLib the Redis client's jars, added to the sample app in the Redis-store mode
	 * @param warmupStreams streams of the warm-up level run before the measured levels of each mode
	 * @param warmupShortStreams short streams ({@link DripServer#WARM_UP_TOKENS} tokens) relayed before that, so that
	 * the JIT has compiled the code a relay runs once per stream, as in a server that has run for a while
	 */
	public RelayScaleBenchmark(Path sampleJar, int tokens, Duration ramp, Path outputDir, Path redisLib,
			int warmupStreams, int warmupShortStreams) {
		this.warmupStreams = warmupStreams;
		this.warmupShortStreams = warmupShortStreams;
		this.sampleJar = sampleJar;
		this.redisLib = redisLib;
		this.tokens = tokens;
		this.ramp = ramp;
		this.outputDir = outputDir;
	}

	/**
	 * Runs the relay (the sample app, or a reference proxy) at this niceness: above zero, the load driver and the
	 * upstream (this JVM) get a core first when both want one, as if they ran on machines of their own. At zero (the
	 * default, and every judged sitting) they compete with the relay's threads as equals. One run each on 2026-12-07
	 * showed no general difference (BENCHMARKS.md).
	 */
	public RelayScaleBenchmark relayNice(int nice) {
		this.relayNice = nice;
		return this;
	}

	/**
	 * Adds JVM options to the command line of the relay (or reference proxy), after the mode's own, which they
	 * override: a JDK setting to try (a poller mode, the carriers) without a new build. The judged sittings add none.
	 */
	public RelayScaleBenchmark relayJvmArgs(List<String> jvmArgs) {
		this.relayJvmArgs = List.copyOf(jvmArgs);
		return this;
	}

	private List<String> withExtra(List<String> jvmArgs) {
		List<String> all = new ArrayList<>(jvmArgs);
		all.addAll(this.relayJvmArgs);
		return all;
	}

	/**
	 * Runs every level on every mode, prints a Markdown table and writes the chart. With {@code floor}, first runs the
	 * levels with the driver straight on the upstream: what the measurement itself adds, with no relay in between.
	 */
	public void run(List<Mode> modes, List<Integer> levels, boolean floor) throws Exception {
		Files.createDirectories(this.outputDir);
		List<Row> floorRows = floor ? floor(levels) : List.of();
		List<Row> rows = new ArrayList<>();
		for (Mode mode : modes) {
			rows.addAll(run(mode, levels));
		}
		List<Row> all = new ArrayList<>(floorRows);
		all.addAll(rows);
		print(all);
		this.skipped.forEach((message) -> System.out.println("\n" + message));
		Targets.print(Targets.relay(all.stream().map(Row::judged).toList()), System.out);
		printReferences(rows);
		if (!rows.isEmpty()) {
			Path png = this.outputDir.resolve("relay-scale.png");
			RelayChart.write(floorRows, rows, png);
			System.err.println("chart: " + png);
		}
	}

	// What the reference proxies say about the targets: they are the least any relay costs on this machine.
	private static void printReferences(List<Row> rows) {
		rows.stream().filter((row) -> row.mode().startsWith(Mode.REFERENCE)).forEach((row) -> System.out.printf(
				Locale.ROOT, "- reference, not judged: %s at %,d streams costs %.1f µs per token (%.1f steady), "
						+ "p99 %.1f ms, %,d tokens/s at peak: the least a relay pays here%n",
				row.mode(), row.streams(), row.cpuMicrosPerToken(), row.steadyMicrosPerToken(), row.p99Millis(),
				row.peakTokensPerSecond()));
	}

	private List<Row> floor(List<Integer> levels) throws Exception {
		List<Row> rows = new ArrayList<>();
		try (DripServer upstream = new DripServer(this.tokens, TOKEN_INTERVAL_NANOS)) {
			URI target = URI.create(upstream.baseUrl() + "/chat/completions");
			for (int streams : levels) {
				Row row = level("no relay (floor)", null, target, REQUEST, streams);
				System.err.println(row);
				rows.add(row);
			}
		}
		return rows;
	}

	private List<Row> run(Mode mode, List<Integer> levels) throws Exception {
		if (mode.store() != Store.REDIS) {
			return run(mode, levels, null);
		}
		Optional<Path> redisServer = RedisServer.find();
		if (redisServer.isEmpty()) {
			skip(mode, "no redis-server on the PATH (Debian: apt-get install redis-server)");
			return List.of();
		}
		if (!Files.isDirectory(this.redisLib)) {
			skip(mode, "no Redis client jars in " + this.redisLib + " (build the benchmarks with mvn package)");
			return List.of();
		}
		try (RedisServer redis = RedisServer.start(redisServer.get(), this.outputDir.resolve("redis-server.log"))) {
			System.err.println(mode.name() + ": redis-server on 127.0.0.1:" + redis.port());
			long cpuBefore = redis.cpuNanos();
			List<Row> rows = run(mode, levels, redis);
			System.err.printf(Locale.ROOT, "%s: redis-server used %.1f s of CPU%n", mode.name(),
					(redis.cpuNanos() - cpuBefore) / 1e9);
			return rows;
		}
	}

	private void skip(Mode mode, String reason) {
		String message = "Mode " + mode.name() + " skipped: " + reason + ".";
		System.err.println(message);
		this.skipped.add(message);
	}

	private List<Row> run(Mode mode, List<Integer> levels, @Nullable RedisServer redis) throws Exception {
		int maxStreams = levels.stream().mapToInt(Integer::intValue).max().orElse(0);
		List<Row> rows = new ArrayList<>();
		try (DripServer upstream = new DripServer(this.tokens, TOKEN_INTERVAL_NANOS)) {
			List<String> appArgs = new ArrayList<>(mode.appArgs(upstream.baseUrl(), maxStreams));
			if (mode.store() == Store.MEMORY) {
				appArgs.addAll(List.of("--echo.llm.relay.resumable=true", "--echo.llm.relay.store=memory"));
			}
			if (redis != null) {
				appArgs.addAll(List.of("--echo.llm.relay.resumable=true", "--echo.llm.relay.store=redis",
						"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port()));
			}
			try (RelayProcess relay = RelayProcess.start(mode.javaHome(), mode.launch(this.sampleJar, this.redisLib),
					withExtra(mode.jvmArgs()), appArgs, this.outputDir.resolve(mode.name() + ".log"), this.relayNice)) {
				URI target = URI.create("http://127.0.0.1:" + relay.port() + mode.path());
				warmUpPerStreamCode(relay, target, mode.request());
				Row warmup = level(mode.name(), relay, target, mode.request(), Math.min(this.warmupStreams, maxStreams));
				System.err.println("warm-up: " + warmup);
				for (int streams : levels) {
					Row row = level(mode.name(), relay, target, mode.request(), streams);
					System.err.println(row);
					rows.add(row);
				}
			}
		}
		return rows;
	}

	/**
	 * Relays {@link #warmupShortStreams} streams of two tokens, about 400 a second: the JIT compiles a method after
	 * thousands of calls, and the code a relay runs once per stream (Tomcat's request, Spring MVC, the upstream
	 * call) gets there only after thousands of streams. Until then it runs interpreted or with C1's profiling, and its
	 * compilations take CPU in the middle of the measurement.
	 */
	private void warmUpPerStreamCode(RelayProcess relay, URI target, String request) throws Exception {
		if (this.warmupShortStreams <= 0) {
			return;
		}
		long cpu = relay.cpuNanos();
		long start = System.nanoTime();
		LoadDriver driver = new LoadDriver(target, request.replace("\"hi\"", "\"" + DripServer.WARM_UP_MARKER + "\""),
				this.warmupShortStreams, DripServer.WARM_UP_TOKENS,
				Duration.ofMillis(this.warmupShortStreams * 1000L / 400), Duration.ofMinutes(5));
		LoadDriver.Result result = driver.run();
		System.err.printf(Locale.ROOT, "warm-up: %,d short streams in %.1f s, %.2f ms of relay CPU per stream, %d errors %s%n",
				this.warmupShortStreams, (System.nanoTime() - start) / 1e9,
				(relay.cpuNanos() - cpu) / 1e6 / this.warmupShortStreams, result.errorCount(), result.errors());
	}

	private Row level(String mode, @Nullable RelayProcess relay, URI target, String request, int streams)
			throws Exception {
		Duration streamTime = Duration.ofNanos(this.tokens * TOKEN_INTERVAL_NANOS);
		// The heap at peak in a pass of its own, before the one that measures latency: its forced full collection
		// stops the relay, and the tokens that pile up meanwhile would count as the relay's latency. Run first, the
		// pass also leaves the relay as a server that has carried this load before: the JIT has compiled what only
		// this many streams reach (it still took half a core during the ramp of a first 1,000-stream pass after
		// 6,000 short streams and 200 long ones), and the upstream pool has grown.
		// The floor gets the same first pass, so that both sides of the comparison are measured warm.
		double heap = firstPass(relay, target, request, streams, streamTime);
		LoadDriver driver = driver(target, request, streams, streamTime);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			long cpuBefore = (relay != null) ? relay.cpuNanos() : 0;
			long ownCpuBefore = ownCpuNanos();
			long start = System.nanoTime();
			Future<LoadDriver.Result> running = executor.submit(driver::run);
			double steady = (relay != null) ? steadyCpuMicrosPerToken(relay, driver, start, streamTime) : 0;
			untilPeak(start);
			int threads = (relay != null) ? relay.liveThreads() : 0;
			int activeAtPeak = driver.active();
			LoadDriver.Result result = end(running, streamTime);
			long cpu = (relay != null) ? relay.cpuNanos() - cpuBefore : 0;
			long ownCpu = ownCpuNanos() - ownCpuBefore;
			System.err.printf(Locale.ROOT, "%s, %,d streams, by second of the send stamp:%n", mode, streams);
			result.samples().timeline(start).forEach(System.err::println);
			long[] delays = result.samples().delays();
			return new Row(mode, streams, activeAtPeak, Summary.quantile(delays, 0.5) / 1e6,
					Summary.quantile(delays, 0.99) / 1e6, Summary.quantile(delays, 1.0) / 1e6, heap, threads,
					result.errorCount(), result.errors().toString(), result.complete(), result.samples().size(),
					cpu / 1e3 / Math.max(1, result.samples().size()), steady,
					(cpu / 1e3 - steady * result.samples().size()) / 1e3 / streams,
					ownCpu / 1e3 / Math.max(1, result.samples().size()), result.samples().peakPerSecond(start),
					result.lostTokens(),
					result.duplicatedTokens(), result.errors().getOrDefault(LoadDriver.REFUSED, 0));
		}
		finally {
			executor.shutdownNow();
		}
	}

	private LoadDriver driver(URI target, String request, int streams, Duration streamTime) {
		return new LoadDriver(target, request, streams, this.tokens, this.ramp,
				this.ramp.plus(streamTime).plusSeconds(60));
	}

	// Peak: every stream opened, two seconds of steady state, and well before the first ones end.
	private void untilPeak(long start) throws InterruptedException {
		TimeUnit.NANOSECONDS.sleep(Math.max(0, start + this.ramp.plusMillis(2500).toNanos() - System.nanoTime()));
	}

	private LoadDriver.Result end(Future<LoadDriver.Result> running, Duration streamTime) throws Exception {
		return running.get(this.ramp.plus(streamTime).plusSeconds(90).toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Runs the level once and, with a relay, forces a full collection in it when every stream is open: the heap it
	 * holds at peak (0 without a relay). The pass's latency is printed (standard error) but not judged.
	 */
	private double firstPass(@Nullable RelayProcess relay, URI target, String request, int streams,
			Duration streamTime) throws Exception {
		LoadDriver driver = driver(target, request, streams, streamTime);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			long start = System.nanoTime();
			Future<LoadDriver.Result> running = executor.submit(driver::run);
			untilPeak(start);
			double heap = (relay != null) ? relay.heapAfterGcMiB() : 0;
			LoadDriver.Result result = end(running, streamTime);
			long[] delays = result.samples().delays();
			System.err.printf(Locale.ROOT,
					"first pass (not judged%s): %,d streams, %d errors %s, p50 %.2f p99 %.2f ms%s%n",
					(relay != null) ? ", a full collection in it" : "", streams, result.errorCount(), result.errors(),
					Summary.quantile(delays, 0.5) / 1e6, Summary.quantile(delays, 0.99) / 1e6,
					(relay != null) ? String.format(Locale.ROOT, ", heap %.0f MiB after the collection", heap) : "");
			return heap;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * The relay's CPU per token while every stream is open and none has ended: the two seconds from half a second
	 * after the ramp, when no stream opens or closes. What a stream costs to open and end is the rest of its CPU.
	 * Zero when the streams are too short for such a window.
	 */
	private double steadyCpuMicrosPerToken(RelayProcess relay, LoadDriver driver, long start, Duration streamTime)
			throws InterruptedException {
		long from = Math.max(start + this.ramp.plusMillis(500).toNanos(), System.nanoTime());
		long to = from + TimeUnit.SECONDS.toNanos(2);
		if (to > start + streamTime.toNanos()) {
			return 0;
		}
		TimeUnit.NANOSECONDS.sleep(Math.max(0, from - System.nanoTime()));
		long cpu = relay.cpuNanos();
		long tokens = driver.received();
		TimeUnit.NANOSECONDS.sleep(Math.max(0, to - System.nanoTime()));
		long cpuAfter = relay.cpuNanos();
		long tokensAfter = driver.received();
		System.err.printf(Locale.ROOT, "steady window: %.1f s of CPU, %,d tokens (%.1f to %.1f s)%n",
				(cpuAfter - cpu) / 1e9, tokensAfter - tokens, (from - start) / 1e9, (System.nanoTime() - start) / 1e9);
		return (cpuAfter - cpu) / 1e3 / Math.max(1, tokensAfter - tokens);
	}

	/** CPU this JVM (the load driver and the upstream, and its idle benchmark threads) has used, in nanoseconds. */
	private static long ownCpuNanos() {
		return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
	}

	private void print(List<Row> rows) {
		System.out.printf(Locale.ROOT, "%n### Relay scale, %d tokens per stream at 20 tokens/s%n%n", this.tokens);
		System.out.println("| mode | streams | open at peak | p50 ms | p99 ms | max ms | heap after GC MiB | live threads "
				+ "| errors | complete streams | lost / duplicated tokens | relay CPU µs per token "
				+ "| of which: µs per token, steady | ms per stream, to open and end | streams per core at that cost "
				+ "| driver and upstream CPU µs per token | peak tokens/s (offered) |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
		rows.forEach((row) -> {
			boolean app = row.cpuMicrosPerToken() > 0;
			System.out.printf(Locale.ROOT,
					"| %s | %,d | %,d | %.2f | %.2f | %.1f | %s | %s | %d%s | %,d of %,d | %,d / %,d | %s | %s | %s | %s | %.1f | %,d (%,d) |%n",
					row.mode(), row.streams(), row.openAtPeak(), row.p50Millis(), row.p99Millis(), row.maxMillis(),
					app ? String.format(Locale.ROOT, "%.0f", row.heapMiB()) : "-",
					app ? String.format(Locale.ROOT, "%,d", row.liveThreads()) : "-", row.errors(),
					(row.errors() > 0) ? " " + row.errorKinds() : "", row.complete(), row.streams(), row.lostTokens(),
					row.duplicatedTokens(),
					app ? String.format(Locale.ROOT, "%.1f", row.cpuMicrosPerToken()) : "-",
					(app && row.steadyMicrosPerToken() > 0) ? String.format(Locale.ROOT, "%.1f", row.steadyMicrosPerToken()) : "-",
					(app && row.steadyMicrosPerToken() > 0) ? String.format(Locale.ROOT, "%.2f", row.millisPerStream()) : "-",
					app ? String.format(Locale.ROOT, "%,.0f", row.streamsPerCore()) : "-", row.loadCpuMicrosPerToken(),
					row.peakTokensPerSecond(), row.streams() * (1_000_000_000L / TOKEN_INTERVAL_NANOS));
		});
	}

	/**
	 * A JDK and thread model to run the sample app with.
	 * @param name short name for tables
	 * @param javaHome the JDK
	 * @param virtualThreads whether to set {@code spring.threads.virtual.enabled=true}
	 * @param store where the relay keeps its events: nowhere (the OpenAI-format relay), or the resumable relay's
	 * store behind the chat page's endpoint
	 * @param jfr where to write a Flight Recording of the app, or {@code null} for none
	 */
	public record Mode(String name, Path javaHome, boolean virtualThreads, Store store, @Nullable Path jfr,
			@Nullable String proxy, @Nullable String maxCpuLoad) {

		/** Names of the reference modes start with this; they are shown, never judged against echo-llm's targets. */
		public static final String REFERENCE = "reference-";

		/** The sample app's relay. */
		public Mode(String name, Path javaHome, boolean virtualThreads, Store store, @Nullable Path jfr) {
			this(name, javaHome, virtualThreads, store, jfr, null, null);
		}

		/**
		 * The sample app's relay on virtual threads with {@code echo.llm.relay.max-cpu-load} set: at overload it
		 * refuses new streams with {@code 503 relay_busy} while the host's CPUs are that busy.
		 * @param maxCpuLoad the setting, as a property value ({@code 0.9})
		 */
		public static Mode guarded(String name, Path javaHome, @Nullable Path jfr, String maxCpuLoad) {
			return new Mode(name, javaHome, true, Store.NONE, jfr, null, maxCpuLoad);
		}

		/**
		 * A reference mode: {@link ByteProxy} in place of the sample app, what relaying a token costs at the least.
		 * @param model {@code nio} (one selector) or {@code threads} (a virtual thread per direction)
		 */
		public static Mode proxy(String name, Path javaHome, String model) {
			return new Mode(name, javaHome, model.equals("threads"), Store.NONE, null, model, null);
		}

		/** The endpoint the driver streams from: the proxy forwards it to the upstream's path. */
		String path() {
			return (this.store == Store.NONE) ? "/v1/chat/completions" : "/api/chat";
		}

		String request() {
			return (this.store == Store.NONE) ? REQUEST : PAGE_REQUEST;
		}

		/**
		 * How to start the sample app: as shipped, or with the Redis client's jars added through Boot's
		 * {@code PropertiesLauncher} (the sample does not ship a Redis client).
		 */
		List<String> launch(Path sampleJar, Path redisLib) {
			if (this.proxy != null) {
				return List.of("-cp", benchmarksJar(), ByteProxy.class.getName());
			}
			if (this.store != Store.REDIS) {
				return List.of("-jar", sampleJar.toString());
			}
			return List.of("-Dloader.path=" + redisLib.toAbsolutePath(), "-cp", sampleJar.toString(),
					"org.springframework.boot.loader.launch.PropertiesLauncher");
		}

		List<String> jvmArgs() {
			List<String> args = new ArrayList<>(List.of("-XX:+UseG1GC", "-Xss512k"));
			if ("threads".equals(this.proxy)) {
				// The carriers the sample's main gives virtual threads on a small machine, so the two compare.
				args.add("-Djdk.virtualThreadScheduler.parallelism=16");
			}
			if (this.jfr != null) {
				args.add("-XX:StartFlightRecording=filename=" + this.jfr.resolve(this.name + ".jfr") + ",settings=profile");
			}
			return args;
		}

		List<String> appArgs(String upstream, int maxStreams) {
			if (this.proxy != null) {
				return List.of("--upstream=" + upstream, "--model=" + this.proxy);
			}
			List<String> args = new ArrayList<>(List.of("--echo.llm.base-url=" + upstream, "--echo.llm.api-key=bench",
					"--echo.llm.model=drip", "--echo.llm.retry.max-attempts=1",
					"--spring.main.banner-mode=off", "--logging.level.root=WARN",
					"--server.tomcat.max-connections=" + (maxStreams + 1000),
					"--server.tomcat.accept-count=" + maxStreams,
					"--spring.mvc.async.request-timeout=-1",
					// Measures the relay at the level asked for (and its warm-up), not the default admission limit (5,000).
					"--echo.llm.relay.max-active-streams=" + (maxStreams + 5000)));
			if (this.maxCpuLoad != null) {
				args.add("--echo.llm.relay.max-cpu-load=" + this.maxCpuLoad);
			}
			if (this.virtualThreads) {
				args.add("--spring.threads.virtual.enabled=true");
			}
			else {
				// The sample's application.yml turns virtual threads on; on Java 17 that does nothing, on 21+ say so.
				args.add("--spring.threads.virtual.enabled=false");
				// The relay blocks one thread per stream while it reads the upstream; Boot's default pool keeps 8
				// core threads in front of an unbounded queue, which would hold all other streams back.
				args.add("--spring.task.execution.pool.core-size=" + (maxStreams + 100));
				args.add("--spring.task.execution.pool.max-size=" + (maxStreams + 100));
			}
			return args;
		}

	}

	private static String benchmarksJar() {
		try {
			return Path.of(ByteProxy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Where a relay mode keeps the events of its streams. */
	public enum Store {

		/** Nowhere: {@code /v1/chat/completions}, which is never resumable. */
		NONE,

		/** The resumable relay ({@code /api/chat}) with the in-memory store: the baseline of {@link #REDIS}. */
		MEMORY,

		/** The resumable relay ({@code /api/chat}) with a {@code redis-server} that the benchmark starts. */
		REDIS

	}

	/** One level of one mode. */
	record Row(String mode, int streams, int openAtPeak, double p50Millis, double p99Millis, double maxMillis,
			double heapMiB, int liveThreads, int errors, String errorKinds, int complete, int tokensReceived,
			double cpuMicrosPerToken, double steadyMicrosPerToken, double millisPerStream,
			double loadCpuMicrosPerToken, long peakTokensPerSecond, long lostTokens, long duplicatedTokens,
			int refused) {

		/** The figures the targets judge. */
		Targets.RelayRow judged() {
			return new Targets.RelayRow(this.mode, this.mode.startsWith("no relay"), this.streams, this.p99Millis,
					this.heapMiB, this.cpuMicrosPerToken, this.lostTokens, this.duplicatedTokens,
					this.peakTokensPerSecond, this.refused, this.errors - this.refused);
		}

		/** Streams of 20 tokens per second that one core could relay at this CPU cost per token. */
		double streamsPerCore() {
			return (this.cpuMicrosPerToken > 0) ? 1e6 / (this.cpuMicrosPerToken * 20) : 0;
		}

	}

}
