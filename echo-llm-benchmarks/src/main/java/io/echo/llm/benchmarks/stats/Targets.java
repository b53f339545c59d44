package io.echo.llm.benchmarks.stats;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The targets of issue 16 ("Relay at scale") in one place, and the verdict of a run against each. Every command
 * prints, after its tables, the verdicts it has the figures for: {@code throughput} the throughput and CPU per chunk
 * against the best peer, {@code latency} whether echo-llm's p99 is the lowest, {@code relay} the relay's latency above
 * the no-relay floor of the same run, its CPU per token, its heap and the tokens lost or duplicated.
 */
public final class Targets {

	/** echo-llm's loopback chunks per second over the best peer's: at least this. */
	public static final double THROUGHPUT_VS_BEST_PEER = 2.0;

	/** The best peer's CPU per chunk over echo-llm's: at least this. */
	public static final double CPU_PER_CHUNK_VS_BEST_PEER = 2.0;

	/** The relay's CPU per relayed token, in-memory store, every level: at most this many µs. */
	public static final double RELAY_CPU_MICROS_PER_TOKEN = 10;

	/** Heap after GC at peak with {@link #HEAP_STREAMS} streams: below this many MiB. */
	public static final double HEAP_MIB = 1024;

	/**
	 * A relay row's latency counts only when it carried at least this share of the floor's peak token rate at the
	 * same level: a relay that falls behind slows the upstream on the same cores, which the p99 does not show. The
	 * floor itself must carry this share of the offered rate, or the level is more than the machine can judge.
	 */
	public static final double MIN_PACE_OF_FLOOR = 0.9;

	/**
	 * A relay with {@code echo.llm.relay.max-cpu-load} offered more streams than it carries: the p99 of the streams
	 * it takes may exceed the lowest floor of the run by less than this many ms, and it refuses the rest with 503.
	 */
	public static final double OVERLOAD_MAX_ABOVE_FLOOR_MILLIS = 50;

	/** Tokens a second each stream of the relay benchmark sends (one every 50 ms), as a fast model does. */
	public static final int STREAM_TOKENS_PER_SECOND = 20;

	/** The number of streams at which the heap is judged. */
	public static final int HEAP_STREAMS = 5000;

	/** Where the relay's p99 is judged: thread model or store, streams, and the most it may add to the floor. */
	public static final List<RelayLatency> RELAY_LATENCY = List.of(new RelayLatency(RelayKind.VIRTUAL, 1000, 50),
			new RelayLatency(RelayKind.VIRTUAL, 5000, 50), new RelayLatency(RelayKind.PLATFORM, 1000, 50),
			new RelayLatency(RelayKind.REDIS, 1000, 100));

	/** The client whose figures are judged; every client whose name does not start with it is a peer. */
	public static final String SUBJECT = "echo-llm";

	private Targets() {
	}

	/**
	 * Throughput and CPU per chunk against the best peer at each (the fastest, and the one with the least CPU).
	 * @param chunksPerSecond median chunks per second by client
	 * @param cpuPerChunk median CPU per chunk by client, in any unit
	 */
	public static List<Verdict> throughput(Map<String, Double> chunksPerSecond, Map<String, Double> cpuPerChunk) {
		List<Verdict> verdicts = new ArrayList<>();
		best(chunksPerSecond, Comparator.reverseOrder()).ifPresent((peer) -> {
			double ratio = chunksPerSecond.get(SUBJECT) / chunksPerSecond.get(peer);
			verdicts.add(new Verdict("loopback throughput vs the best peer (" + peer + ")",
					ratio >= THROUGHPUT_VS_BEST_PEER, format("%.2fx", ratio),
					format(">= %.1fx", THROUGHPUT_VS_BEST_PEER)));
		});
		best(cpuPerChunk, Comparator.naturalOrder()).ifPresent((peer) -> {
			double ratio = cpuPerChunk.get(peer) / cpuPerChunk.get(SUBJECT);
			verdicts.add(new Verdict("CPU per chunk vs the best peer (" + peer + ")",
					ratio >= CPU_PER_CHUNK_VS_BEST_PEER, format("%.2fx less", ratio),
					format(">= %.1fx less", CPU_PER_CHUNK_VS_BEST_PEER)));
		});
		return verdicts;
	}

	/** Whether echo-llm's p99 added latency is below every peer's. */
	public static List<Verdict> latency(Map<String, Double> p99Millis) {
		return best(p99Millis, Comparator.naturalOrder()).map((peer) -> {
			double subject = p99Millis.get(SUBJECT);
			double other = p99Millis.get(peer);
			return List.of(new Verdict("p99 added latency, lowest of all", subject < other,
					format("%.3f ms against %s's %.3f ms", subject, peer, other), "lowest of all"));
		}).orElse(List.of());
	}

	/** The relay's targets that the rows (with the floor's, when it ran) have the figures for. */
	public static List<Verdict> relay(List<RelayRow> rows) {
		List<Verdict> verdicts = new ArrayList<>();
		for (RelayLatency target : RELAY_LATENCY) {
			Optional<RelayRow> floor = rows.stream()
				.filter((row) -> row.floor() && row.streams() == target.streams())
				.findFirst();
			rows.stream()
				.filter((row) -> !row.floor() && row.streams() == target.streams()
						&& RelayKind.of(row.mode()) == target.kind())
				.forEach((row) -> floor.ifPresent((base) -> {
					double added = row.p99Millis() - base.p99Millis();
					// A relay that falls behind slows the upstream that shares its cores: the tokens come late at
					// the source, not in the relay, and a low p99 would hide it. It must carry the floor's pace.
					double pace = (row.peakTokensPerSecond() > 0 && base.peakTokensPerSecond() > 0)
							? (double) row.peakTokensPerSecond() / base.peakTokensPerSecond() : 1;
					String slowed = (pace < MIN_PACE_OF_FLOOR) ? format(", at %.0f %% of the floor's token rate (%,d "
							+ "against %,d a second)", pace * 100, row.peakTokensPerSecond(), base.peakTokensPerSecond())
							: "";
					boolean met = added < target.maxAboveFloorMillis() && pace >= MIN_PACE_OF_FLOOR;
					verdicts.add(new Verdict(format("relay p99 above the floor, %s at %,d streams", row.mode(),
							row.streams()), met,
							format("%.1f ms (p99 %.1f ms, floor %.1f ms)", added, row.p99Millis(), base.p99Millis())
									+ slowed + machineBound(base),
							format("< %.0f ms", target.maxAboveFloorMillis()), !met && floorFellBehind(base)));
				}));
		}
		verdicts.addAll(overload(rows));
		rows.stream()
			.filter((row) -> !row.floor() && isRelay(row, RelayKind.VIRTUAL, RelayKind.PLATFORM)
					&& row.cpuMicrosPerToken() > 0)
			.max(Comparator.comparingDouble(RelayRow::cpuMicrosPerToken))
			.ifPresent((worst) -> verdicts.add(new Verdict("relay CPU per relayed token, the highest of the run",
					worst.cpuMicrosPerToken() <= RELAY_CPU_MICROS_PER_TOKEN,
					format("%.1f µs (%s at %,d streams)", worst.cpuMicrosPerToken(), worst.mode(), worst.streams()),
					format("<= %.0f µs", RELAY_CPU_MICROS_PER_TOKEN))));
		rows.stream()
			.filter((row) -> !row.floor() && isRelay(row, RelayKind.VIRTUAL, RelayKind.PLATFORM, RelayKind.REDIS)
					&& row.streams() == HEAP_STREAMS && row.heapMiB() > 0)
			.forEach((row) -> verdicts.add(new Verdict(format("heap after GC, %s at %,d streams", row.mode(),
					row.streams()), row.heapMiB() < HEAP_MIB, format("%.0f MiB", row.heapMiB()),
					format("< %.0f MiB", HEAP_MIB))));
		if (!rows.isEmpty()) {
			long lost = rows.stream().mapToLong(RelayRow::lostTokens).sum();
			long duplicated = rows.stream().mapToLong(RelayRow::duplicatedTokens).sum();
			verdicts.add(new Verdict("tokens lost or duplicated, every row", lost + duplicated == 0,
					format("%,d lost, %,d duplicated", lost, duplicated), "0"));
		}
		return verdicts;
	}

	/**
	 * Whether the floor itself, the load driver straight on the upstream with no relay, fell behind the offered
	 * pace: the machine cannot run this level's load and a relay beside it, so no relay can be judged there.
	 */
	static boolean floorFellBehind(RelayRow floor) {
		long offered = (long) floor.streams() * STREAM_TOKENS_PER_SECOND;
		return floor.peakTokensPerSecond() > 0 && floor.peakTokensPerSecond() < MIN_PACE_OF_FLOOR * offered;
	}

	private static String machineBound(RelayRow floor) {
		if (!floorFellBehind(floor)) {
			return "";
		}
		long offered = (long) floor.streams() * STREAM_TOKENS_PER_SECOND;
		return format("; with no relay at all this machine carried only %.0f %% of the %,d tokens a second offered "
				+ "(%,d), so the load leaves no room for a relay here", 100.0 * floor.peakTokensPerSecond() / offered,
				offered, floor.peakTokensPerSecond());
	}

	// The guarded relay carries fewer streams than offered, and its refusals cost CPU but relay no token: its rows are
	// judged on overload alone.
	private static boolean isRelay(RelayRow row, RelayKind... kinds) {
		RelayKind kind = RelayKind.of(row.mode());
		return kind != null && List.of(kinds).contains(kind);
	}

	/**
	 * The guarded relay at each level: the streams it takes keep their pace (p99 within
	 * {@link #OVERLOAD_MAX_ABOVE_FLOOR_MILLIS} of the run's lowest floor, the floor of a load the machine carries with
	 * room to spare), and every stream it does not take is refused with 503 before any event, none failed otherwise.
	 */
	private static List<Verdict> overload(List<RelayRow> rows) {
		Optional<RelayRow> floor = rows.stream()
			.filter(RelayRow::floor)
			.min(Comparator.comparingDouble(RelayRow::p99Millis));
		List<Verdict> verdicts = new ArrayList<>();
		rows.stream().filter((row) -> !row.floor() && RelayKind.of(row.mode()) == RelayKind.GUARDED)
			.forEach((row) -> floor.ifPresent((base) -> {
				double added = row.p99Millis() - base.p99Millis();
				verdicts.add(new Verdict(format("at overload, %s offered %,d streams", row.mode(), row.streams()),
						added < OVERLOAD_MAX_ABOVE_FLOOR_MILLIS && row.otherErrors() == 0,
						format("took %,d, refused %,d with 503, %,d failed otherwise; p99 of those taken %.1f ms "
								+ "above the floor (%.1f ms, at %,d streams)", row.streams() - row.refused()
										- row.otherErrors(), row.refused(), row.otherErrors(), added,
								base.p99Millis(), base.streams()),
						format("the rest refused with 503, none failed otherwise, p99 of those taken < %.0f ms "
								+ "above the floor", OVERLOAD_MAX_ABOVE_FLOOR_MILLIS)));
			}));
		return verdicts;
	}

	/** Prints the verdicts under a heading, or says that this run judges none. */
	public static void print(List<Verdict> verdicts, PrintStream out) {
		out.printf("%n### Verdicts against the targets of issue 16%n%n");
		if (verdicts.isEmpty()) {
			out.println("No target can be judged from this run (it needs echo-llm and a peer, or the relay with its floor).");
		}
		verdicts.forEach((verdict) -> out.println(verdict.line()));
	}

	// The peer that is best by the order (first after sorting), when the subject and a peer are both there.
	private static Optional<String> best(Map<String, Double> figures, Comparator<Double> order) {
		if (!figures.containsKey(SUBJECT)) {
			return Optional.empty();
		}
		return figures.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().startsWith(SUBJECT))
			.min(Map.Entry.comparingByValue(order))
			.map(Map.Entry::getKey);
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

	/** What a relay mode is judged as, from its name. */
	public enum RelayKind {

		/** Virtual threads, in-memory store. */
		VIRTUAL,

		/** Platform threads, in-memory store. */
		PLATFORM,

		/** The Redis store (its thread model aside). */
		REDIS,

		/** Refuses new streams while the host's CPUs are too busy ({@code echo.llm.relay.max-cpu-load}). */
		GUARDED;

		static @Nullable RelayKind of(String mode) {
			if (mode.startsWith("reference-")) {
				// A reference for the machine (a byte proxy), not echo-llm's relay.
				return null;
			}
			if (mode.endsWith("-guarded")) {
				return GUARDED;
			}
			if (mode.endsWith("-redis")) {
				return REDIS;
			}
			if (mode.contains("platform")) {
				return PLATFORM;
			}
			return mode.contains("virtual") ? VIRTUAL : null;
		}

	}

	/**
	 * A latency target of the relay.
	 * @param kind the modes it applies to
	 * @param streams the level
	 * @param maxAboveFloorMillis how much the relay's p99 may exceed the floor's at that level, exclusive
	 */
	public record RelayLatency(RelayKind kind, int streams, double maxAboveFloorMillis) {

	}

	/**
	 * One level of one relay mode, or of the floor (the driver straight on the upstream).
	 * @param mode the mode's name
	 * @param floor whether this is the floor
	 * @param streams concurrent streams
	 * @param p99Millis p99 added latency
	 * @param heapMiB heap after GC at peak, 0 when not measured
	 * @param cpuMicrosPerToken the relay's CPU per relayed token, 0 when not measured
	 * @param lostTokens tokens missing from streams that ended
	 * @param duplicatedTokens tokens received twice
	 * @param peakTokensPerSecond the most tokens the driver received in one second (by send stamp), 0 when not known
	 * @param refused streams refused with {@code 503} before any event
	 * @param otherErrors streams that failed any other way
	 */
	public record RelayRow(String mode, boolean floor, int streams, double p99Millis, double heapMiB,
			double cpuMicrosPerToken, long lostTokens, long duplicatedTokens, long peakTokensPerSecond, int refused,
			int otherErrors) {

		/** A row with no errors. */
		public RelayRow(String mode, boolean floor, int streams, double p99Millis, double heapMiB,
				double cpuMicrosPerToken, long lostTokens, long duplicatedTokens, long peakTokensPerSecond) {
			this(mode, floor, streams, p99Millis, heapMiB, cpuMicrosPerToken, lostTokens, duplicatedTokens,
					peakTokensPerSecond, 0, 0);
		}

		/** A row whose token rate is not known: its latency is judged on the p99 alone. */
		public RelayRow(String mode, boolean floor, int streams, double p99Millis, double heapMiB,
				double cpuMicrosPerToken, long lostTokens, long duplicatedTokens) {
			this(mode, floor, streams, p99Millis, heapMiB, cpuMicrosPerToken, lostTokens, duplicatedTokens, 0);
		}

	}

	/**
	 * The verdict on one target.
	 * @param measure what was measured
	 * @param met whether the target was met
	 * @param figure the figure of this run
	 * @param target the target
	 * @param machineBound whether the load was more than this machine carries with no relay at all (the no-relay
	 * floor fell behind the offered pace): a miss there says nothing of the relay
	 */
	public record Verdict(String measure, boolean met, String figure, String target, boolean machineBound) {

		/** A verdict this machine can give. */
		public Verdict(String measure, boolean met, String figure, String target) {
			this(measure, met, figure, target, false);
		}

		/**
		 * One Markdown list line: {@code - **met** measure: figure (target ...)}; a miss where the machine could not
		 * carry the load without a relay says so.
		 */
		public String line() {
			String outcome = this.met ? "met" : (this.machineBound ? "missed, not measurable here" : "missed");
			return "- **" + outcome + "** " + this.measure + ": " + this.figure + " (target " + this.target + ")";
		}

	}

}
