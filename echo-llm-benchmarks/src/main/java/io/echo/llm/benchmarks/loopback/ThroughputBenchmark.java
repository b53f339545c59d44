package io.echo.llm.benchmarks.loopback;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;
import io.echo.llm.benchmarks.stats.Targets;
import io.echo.llm.benchmarks.clients.StreamingClient;
import io.echo.llm.benchmarks.clients.StreamingClient.Completion;
import io.echo.llm.benchmarks.clients.StreamingClient.ContentListener;
import io.echo.llm.benchmarks.clients.StreamingClients;
import io.echo.llm.benchmarks.fixtures.Fixtures;
import io.echo.llm.benchmarks.loopback.Streams.Burst;
import io.echo.llm.benchmarks.stats.Alternation;
import io.echo.llm.benchmarks.stats.Summary;

/**
 * Figure 2: the loopback server writes one stream of real chunks as fast as the socket takes them; each client consumes
 * and accumulates it. Reports chunks per second and the process CPU time per 1,000 chunks with the server's own CPU
 * taken out, so what remains is the client: its HTTP stack, SSE and JSON decoding, accumulation and garbage collection.
 */
public final class ThroughputBenchmark {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private final int chunks;

	private final Alternation<String, Sample> alternation;

	public ThroughputBenchmark(int chunks, int warmups, int iterations) {
		this.chunks = chunks;
		this.alternation = new Alternation<>(warmups, iterations);
	}

	/** Runs the clients in alternation and prints a Markdown table of the results. */
	public void run(List<String> names) throws Exception {
		Burst burst = Streams.burst(Fixtures.load().contentChunks(), this.chunks);
		System.err.printf("throughput: %,d chunks, %,d bytes of SSE per stream%n", burst.chunks(), burst.sseBytes());
		Map<String, StreamingClient> clients = new LinkedHashMap<>();
		try (LoopbackSseServer server = new LoopbackSseServer(burst.responder())) {
			for (String name : names) {
				clients.put(name, StreamingClients.create(name, server.baseUrl()));
			}
			Map<String, List<Sample>> results = this.alternation.run(names,
					(name) -> once(clients.get(name), server, burst));
			print(burst, results);
		}
		finally {
			clients.values().forEach(StreamingClient::close);
		}
	}

	private static Sample once(StreamingClient client, LoopbackSseServer server, Burst burst) throws Exception {
		long serverCpu = server.responderCpuNanos();
		long cpu = OS.getProcessCpuTime();
		long start = System.nanoTime();
		Completion completion = client.stream(ContentListener.NONE);
		long wall = System.nanoTime() - start;
		long clientCpu = (OS.getProcessCpuTime() - cpu) - (server.responderCpuNanos() - serverCpu);
		if (!completion.content().equals(burst.content()) || completion.deltas() != burst.contentChunks()) {
			throw new IllegalStateException(client.name() + " lost data: " + completion.deltas() + " of "
					+ burst.contentChunks() + " deltas, " + completion.content().length() + " of "
					+ burst.content().length() + " characters");
		}
		return new Sample(burst.chunks() * 1e9 / wall, clientCpu / 1e6 / (burst.chunks() / 1000.0));
	}

	private static void print(Burst burst, Map<String, List<Sample>> results) {
		Map<String, Summary> rates = new LinkedHashMap<>();
		Map<String, Summary> cpus = new LinkedHashMap<>();
		results.forEach((name, samples) -> {
			rates.put(name, Summary.of(samples.stream().map(Sample::chunksPerSecond).toList()));
			cpus.put(name, Summary.of(samples.stream().map(Sample::cpuMillisPer1000).toList()));
		});
		String first = results.keySet().iterator().next();
		System.out.printf(Locale.ROOT, "%n### Loopback throughput, %,d chunks per stream (%s)%n%n", burst.chunks(),
				Runtime.version());
		System.out.println("| client | chunks/s median (min to max) | CPU ms per 1,000 chunks median (min to max) "
				+ "| " + first + " throughput x | " + first + " CPU x |");
		System.out.println("|---|---|---|---|---|");
		for (String name : results.keySet()) {
			System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f |%n", name, rates.get(name).format(0),
					cpus.get(name).format(2), rates.get(first).median() / rates.get(name).median(),
					cpus.get(name).median() / cpus.get(first).median());
		}
		Map<String, Double> rateMedians = new LinkedHashMap<>();
		Map<String, Double> cpuMedians = new LinkedHashMap<>();
		rates.forEach((name, summary) -> rateMedians.put(name, summary.median()));
		cpus.forEach((name, summary) -> cpuMedians.put(name, summary.median()));
		Targets.print(Targets.throughput(rateMedians, cpuMedians), System.out);
	}

	/**
	 * One stream.
	 * @param chunksPerSecond chunks over wall time from request to the accumulated result
	 * @param cpuMillisPer1000 process CPU minus the server's, per 1,000 chunks
	 */
	record Sample(double chunksPerSecond, double cpuMillisPer1000) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%,.0f chunks/s, %.2f CPU ms/1000", this.chunksPerSecond,
					this.cpuMillisPer1000);
		}

	}

}
