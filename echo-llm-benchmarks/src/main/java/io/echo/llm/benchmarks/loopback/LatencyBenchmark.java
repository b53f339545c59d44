package io.echo.llm.benchmarks.loopback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.echo.llm.benchmarks.stats.Targets;
import io.echo.llm.benchmarks.clients.StreamingClient;
import io.echo.llm.benchmarks.clients.StreamingClient.Completion;
import io.echo.llm.benchmarks.clients.StreamingClients;
import io.echo.llm.benchmarks.stats.Alternation;
import io.echo.llm.benchmarks.stats.Summary;

/**
 * Figure 3: the loopback server sends one chunk every {@code interval} with its {@link System#nanoTime()} send time in
 * the content; each client's listener notes when the chunk reaches it. Server and client share the JVM, so the clock
 * is the same. Reports p50, p99 and max of send-to-consumer delay per client.
 */
public final class LatencyBenchmark {

	private final int chunks;

	private final long intervalNanos;

	private final Alternation<String, Sample> alternation;

	public LatencyBenchmark(int chunks, long intervalNanos, int warmups, int iterations) {
		this.chunks = chunks;
		this.intervalNanos = intervalNanos;
		this.alternation = new Alternation<>(warmups, iterations);
	}

	/** Runs the clients in alternation and prints a Markdown table of the results. */
	public void run(List<String> names) throws Exception {
		Map<String, StreamingClient> clients = new LinkedHashMap<>();
		try (LoopbackSseServer server = new LoopbackSseServer(Streams.paced(this.chunks, this.intervalNanos))) {
			for (String name : names) {
				clients.put(name, StreamingClients.create(name, server.baseUrl()));
			}
			print(this.alternation.run(names, (name) -> once(clients.get(name))));
		}
		finally {
			clients.values().forEach(StreamingClient::close);
		}
	}

	private Sample once(StreamingClient client) throws Exception {
		long[] delays = new long[this.chunks];
		int[] seen = new int[1];
		Completion completion = client.stream((text) -> {
			long now = System.nanoTime();
			long stamp = Streams.stamp(text);
			int seq = Integer.parseInt(text, 0, text.indexOf(':'), 10);
			delays[seq] = now - stamp;
			seen[0]++;
		});
		if (seen[0] != this.chunks || completion.deltas() != this.chunks) {
			throw new IllegalStateException(client.name() + " delivered " + seen[0] + " of " + this.chunks + " chunks");
		}
		return new Sample(Summary.quantile(delays, 0.5) / 1e6, Summary.quantile(delays, 0.99) / 1e6,
				Summary.quantile(delays, 1.0) / 1e6);
	}

	private void print(Map<String, List<Sample>> results) {
		String first = results.keySet().iterator().next();
		Map<String, Summary> p99s = new LinkedHashMap<>();
		results.forEach((name, samples) -> p99s.put(name, Summary.of(samples.stream().map(Sample::p99).toList())));
		System.out.printf(Locale.ROOT, "%n### Added latency, one chunk every %.1f ms, %,d chunks per stream (%s)%n%n",
				this.intervalNanos / 1e6, this.chunks, Runtime.version());
		System.out.println("| client | p50 ms | p99 ms | max ms | p99 / " + first + " p99 |");
		System.out.println("|---|---|---|---|---|");
		results.forEach((name, samples) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f |%n", name,
				Summary.of(samples.stream().map(Sample::p50).toList()).format(3), p99s.get(name).format(3),
				Summary.of(samples.stream().map(Sample::max).toList()).format(3),
				p99s.get(name).median() / p99s.get(first).median()));
		Map<String, Double> p99Medians = new LinkedHashMap<>();
		p99s.forEach((name, summary) -> p99Medians.put(name, summary.median()));
		Targets.print(Targets.latency(p99Medians), System.out);
	}

	/** Send-to-consumer delays of one stream, in milliseconds. */
	record Sample(double p50, double p99, double max) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, max %.3f ms", this.p50, this.p99, this.max);
		}

	}

}
