package io.echo.llm.benchmarks.stats;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.echo.llm.benchmarks.stats.Targets.RelayRow;
import io.echo.llm.benchmarks.stats.Targets.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TargetsTests {

	@Test
	void throughputIsMetAtTwiceTheFastestPeer() {
		List<Verdict> verdicts = Targets.throughput(
				Map.of("echo-llm", 200.0, "langchain4j", 100.0, "openai-java", 50.0), Map.of());
		assertThat(verdicts).containsExactly(new Verdict("loopback throughput vs the best peer (langchain4j)", true,
				"2.00x", ">= 2.0x"));
	}

	@Test
	void throughputJustUnderTwiceIsMissed() {
		List<Verdict> verdicts = Targets.throughput(Map.of("echo-llm", 199.0, "langchain4j", 100.0), Map.of());
		assertThat(verdicts).singleElement().satisfies((verdict) -> {
			assertThat(verdict.met()).isFalse();
			assertThat(verdict.line())
				.isEqualTo("- **missed** loopback throughput vs the best peer (langchain4j): 1.99x (target >= 2.0x)");
		});
	}

	@Test
	void cpuPerChunkIsJudgedAgainstThePeerThatUsesLeast() {
		List<Verdict> verdicts = Targets.throughput(Map.of(),
				Map.of("echo-llm", 1.0, "langchain4j", 2.1, "spring-ai", 4.0, "echo-llm-jdk", 0.5));
		// echo-llm-jdk is echo-llm on another transport, not a peer.
		assertThat(verdicts).containsExactly(
				new Verdict("CPU per chunk vs the best peer (langchain4j)", true, "2.10x less", ">= 2.0x less"));
	}

	@Test
	void nothingIsJudgedWithoutEchoLlmOrWithoutAPeer() {
		assertThat(Targets.throughput(Map.of("langchain4j", 1.0), Map.of("langchain4j", 1.0))).isEmpty();
		assertThat(Targets.throughput(Map.of("echo-llm", 1.0, "echo-llm-jdk", 2.0), Map.of())).isEmpty();
		assertThat(Targets.latency(Map.of("echo-llm", 0.2))).isEmpty();
	}

	@Test
	void latencyIsMetOnlyWhenLowerThanEveryPeer() {
		assertThat(Targets.latency(Map.of("echo-llm", 0.18, "openai-java", 0.21, "langchain4j", 0.6)))
			.singleElement()
			.isEqualTo(new Verdict("p99 added latency, lowest of all", true, "0.180 ms against openai-java's 0.210 ms",
					"lowest of all"));
		assertThat(Targets.latency(Map.of("echo-llm", 0.21, "openai-java", 0.21))).singleElement()
			.extracting(Verdict::met)
			.isEqualTo(false);
	}

	@Test
	void relayLatencyIsJudgedAboveTheFloorOfTheSameLevel() {
		List<Verdict> verdicts = Targets.relay(List.of(floor(1000, 20), floor(5000, 300),
				relay("java25-virtual", 1000, 65), relay("java25-virtual", 5000, 351),
				relay("java17-platform", 1000, 70), relay("java25-virtual-redis", 1000, 119.9),
				relay("java25-virtual", 500, 900)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("relay p99"))
			.extracting(Verdict::line)
			.containsExactly(
					"- **met** relay p99 above the floor, java25-virtual at 1,000 streams: 45.0 ms (p99 65.0 ms, "
							+ "floor 20.0 ms) (target < 50 ms)",
					"- **missed** relay p99 above the floor, java25-virtual at 5,000 streams: 51.0 ms (p99 351.0 ms, "
							+ "floor 300.0 ms) (target < 50 ms)",
					"- **missed** relay p99 above the floor, java17-platform at 1,000 streams: 50.0 ms (p99 70.0 ms, "
							+ "floor 20.0 ms) (target < 50 ms)",
					"- **met** relay p99 above the floor, java25-virtual-redis at 1,000 streams: 99.9 ms (p99 119.9 ms, "
							+ "floor 20.0 ms) (target < 100 ms)");
	}

	@Test
	void relayThatSlowedTheUpstreamMissesItsLatencyTargetWhateverItsP99() {
		List<Verdict> verdicts = Targets.relay(List.of(
				new RelayRow("no relay (floor)", true, 5000, 90, 0, 0, 0, 0, 95_000),
				new RelayRow("java25-virtual", false, 5000, 100, 900, 50, 0, 0, 34_000)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("relay p99"))
			.extracting(Verdict::line)
			.containsExactly("- **missed** relay p99 above the floor, java25-virtual at 5,000 streams: 10.0 ms "
					+ "(p99 100.0 ms, floor 90.0 ms), at 36 % of the floor's token rate (34,000 against 95,000 a second) "
					+ "(target < 50 ms)");
		assertThat(Targets.relay(List.of(new RelayRow("no relay (floor)", true, 5000, 90, 0, 0, 0, 0, 95_000),
				new RelayRow("java25-virtual", false, 5000, 100, 900, 50, 0, 0, 90_000))))
			.filteredOn((verdict) -> verdict.measure().startsWith("relay p99"))
			.extracting(Verdict::met)
			.containsExactly(true);
	}

	@Test
	void relayMissAtALevelTheMachineCannotCarryWithoutARelayIsMarkedNotMeasurableHere() {
		// The 2026-12-07 sitting: with no relay, 5,000 streams of 20 tokens a second came through at 85,855 a second.
		List<Verdict> verdicts = Targets.relay(List.of(
				new RelayRow("no relay (floor)", true, 5000, 75.3, 0, 0, 0, 0, 85_855),
				new RelayRow("java25-virtual", false, 5000, 661.5, 949, 63.3, 0, 0, 36_715),
				new RelayRow("no relay (floor)", true, 1000, 1.1, 0, 0, 0, 0, 20_012),
				new RelayRow("java25-virtual", false, 1000, 70, 300, 60, 0, 0, 20_013)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("relay p99"))
			.extracting(Verdict::line)
			.containsExactly("- **missed** relay p99 above the floor, java25-virtual at 1,000 streams: 68.9 ms "
					+ "(p99 70.0 ms, floor 1.1 ms) (target < 50 ms)",
					"- **missed, not measurable here** relay p99 above the floor, java25-virtual at 5,000 streams: "
							+ "586.2 ms (p99 661.5 ms, floor 75.3 ms), at 43 % of the floor's token rate (36,715 "
							+ "against 85,855 a second); with no relay at all this machine carried only 86 % of the "
							+ "100,000 tokens a second offered (85,855), so the load leaves no room for a relay here "
							+ "(target < 50 ms)");
		// A relay that keeps up with such a floor meets its target plainly.
		assertThat(Targets.relay(List.of(new RelayRow("no relay (floor)", true, 5000, 75.3, 0, 0, 0, 0, 85_855),
				new RelayRow("java25-virtual", false, 5000, 100, 900, 9, 0, 0, 85_000))))
			.filteredOn((verdict) -> verdict.measure().startsWith("relay p99"))
			.extracting(Verdict::met, Verdict::machineBound)
			.containsExactly(tuple(true, false));
	}

	@Test
	void relayLatencyIsNotJudgedWithoutTheFloor() {
		assertThat(Targets.relay(List.of(relay("java25-virtual", 1000, 10))))
			.noneMatch((verdict) -> verdict.measure().startsWith("relay p99"));
	}

	@Test
	void cpuPerTokenIsTheWorstInMemoryRowAndLeavesTheRedisStoreOut() {
		List<Verdict> verdicts = Targets.relay(List.of(
				new RelayRow("java25-virtual", false, 1000, 10, 300, 9.5, 0, 0),
				new RelayRow("java17-platform", false, 1000, 10, 300, 12.25, 0, 0),
				new RelayRow("java25-virtual-redis", false, 1000, 10, 300, 40, 0, 0)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("relay CPU"))
			.containsExactly(new Verdict("relay CPU per relayed token, the highest of the run", false,
					"12.3 µs (java17-platform at 1,000 streams)", "<= 10 µs"));
	}

	@Test
	void referenceProxiesAreShownButNeverJudgedAsTheRelay() {
		List<Verdict> verdicts = Targets.relay(List.of(floor(5000, 70),
				new RelayRow("reference-nio-proxy", false, 5000, 75, 40, 20, 0, 0, 95_000),
				new RelayRow("reference-thread-proxy", false, 5000, 500, 1500, 35, 0, 0, 40_000),
				new RelayRow("java25-virtual", false, 5000, 100, 900, 9, 0, 0, 95_000)));
		assertThat(verdicts).extracting(Verdict::measure)
			.containsExactly("relay p99 above the floor, java25-virtual at 5,000 streams",
					"relay CPU per relayed token, the highest of the run",
					"heap after GC, java25-virtual at 5,000 streams", "tokens lost or duplicated, every row");
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("relay CPU"))
			.extracting(Verdict::figure)
			.containsExactly("9.0 µs (java25-virtual at 5,000 streams)");
	}

	@Test
	void guardedRelayAtOverloadIsJudgedOnWhatItTookAndHowItRefusedTheRest() {
		List<Verdict> verdicts = Targets.relay(List.of(floor(1000, 2), floor(5000, 90),
				new RelayRow("java25-virtual-guarded", false, 5000, 40, 400, 150, 0, 0, 30_000, 3200, 0),
				new RelayRow("java25-virtual-guarded", false, 1000, 60, 300, 70, 0, 0, 20_000, 0, 0)));
		assertThat(verdicts).extracting(Verdict::line)
			.containsExactly("- **met** at overload, java25-virtual-guarded offered 5,000 streams: took 1,800, refused "
					+ "3,200 with 503, 0 failed otherwise; p99 of those taken 38.0 ms above the floor (2.0 ms, at 1,000 "
					+ "streams) (target the rest refused with 503, none failed otherwise, p99 of those taken < 50 ms "
					+ "above the floor)",
					"- **missed** at overload, java25-virtual-guarded offered 1,000 streams: took 1,000, refused 0 "
							+ "with 503, 0 failed otherwise; p99 of those taken 58.0 ms above the floor (2.0 ms, at "
							+ "1,000 streams) (target the rest refused with 503, none failed otherwise, p99 of those "
							+ "taken < 50 ms above the floor)",
					"- **met** tokens lost or duplicated, every row: 0 lost, 0 duplicated (target 0)");
	}

	@Test
	void guardedRelayThatFailedStreamsOtherThanByRefusingMissesItsTarget() {
		List<Verdict> verdicts = Targets.relay(List.of(floor(1000, 2),
				new RelayRow("java25-virtual-guarded", false, 5000, 10, 400, 150, 0, 0, 30_000, 3000, 1)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("at overload"))
			.extracting(Verdict::met)
			.containsExactly(false);
	}

	@Test
	void heapIsJudgedAtFiveThousandStreams() {
		List<Verdict> verdicts = Targets.relay(List.of(new RelayRow("java25-virtual", false, 2000, 10, 2000, 5, 0, 0),
				new RelayRow("java25-virtual", false, 5000, 10, 1023, 5, 0, 0),
				new RelayRow("java17-platform", false, 5000, 10, 1024, 5, 0, 0)));
		assertThat(verdicts).filteredOn((verdict) -> verdict.measure().startsWith("heap"))
			.extracting(Verdict::line)
			.containsExactly("- **met** heap after GC, java25-virtual at 5,000 streams: 1023 MiB (target < 1024 MiB)",
					"- **missed** heap after GC, java17-platform at 5,000 streams: 1024 MiB (target < 1024 MiB)");
	}

	@Test
	void oneLostOrDuplicatedTokenAnywhereMissesTheTarget() {
		assertThat(Targets.relay(List.of(floor(500, 1), relay("java25-virtual", 500, 2))))
			.filteredOn((verdict) -> verdict.measure().startsWith("tokens"))
			.containsExactly(new Verdict("tokens lost or duplicated, every row", true, "0 lost, 0 duplicated", "0"));
		assertThat(Targets.relay(List.of(new RelayRow("no relay (floor)", true, 500, 1, 0, 0, 0, 1),
				new RelayRow("java25-virtual", false, 500, 2, 100, 5, 3, 0))))
			.filteredOn((verdict) -> verdict.measure().startsWith("tokens"))
			.containsExactly(new Verdict("tokens lost or duplicated, every row", false, "3 lost, 1 duplicated", "0"));
	}

	@Test
	void printSaysSoWhenNothingCanBeJudged() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		Targets.print(List.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
		assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("### Verdicts against the targets of issue 16")
			.contains("No target can be judged from this run");
	}

	private static RelayRow floor(int streams, double p99) {
		return new RelayRow("no relay (floor)", true, streams, p99, 0, 0, 0, 0);
	}

	private static RelayRow relay(String mode, int streams, double p99) {
		return new RelayRow(mode, false, streams, p99, 300, 5, 0, 0);
	}

}
