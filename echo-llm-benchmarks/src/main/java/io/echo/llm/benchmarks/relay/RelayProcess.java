package io.echo.llm.benchmarks.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample application in its own JVM, so that its heap and threads are its own, started with the JDK and settings
 * of one benchmark mode and watched with that JDK's {@code jcmd}.
 */
final class RelayProcess implements AutoCloseable {

	private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

	private static final Pattern LIVE_THREADS = Pattern.compile("java\\.threads\\.live=(\\d+)");

	private final Path javaHome;

	private final Process process;

	private final int port;

	private RelayProcess(Path javaHome, Process process, int port) {
		this.javaHome = javaHome;
		this.process = process;
		this.port = port;
	}

	/**
	 * Starts the sample app and waits until it accepts connections.
	 * @param javaHome the JDK to run it on
	 * @param launch how to start the sample app after the JVM options, e.g. {@code -jar <jar>}
	 * @param jvmArgs JVM options
	 * @param appArgs Spring Boot arguments ({@code --name=value})
	 * @param log where its output goes
	 */
	static RelayProcess start(Path javaHome, List<String> launch, List<String> jvmArgs, List<String> appArgs, Path log)
			throws IOException, InterruptedException {
		return start(javaHome, launch, jvmArgs, appArgs, log, 0);
	}

	/**
	 * Starts the sample app as {@link #start(Path, List, List, List, Path)} does, at the given niceness.
	 * @param nice the niceness ({@code nice -n}): above zero, the load driver and upstream in this JVM get a core
	 * first when both want one, as if they ran on machines of their own; zero runs it as any other process
	 */
	static RelayProcess start(Path javaHome, List<String> launch, List<String> jvmArgs, List<String> appArgs, Path log,
			int nice) throws IOException, InterruptedException {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		List<String> command = new ArrayList<>();
		if (nice != 0) {
			command.addAll(List.of("nice", "-n", Integer.toString(nice)));
		}
		command.add(javaHome.resolve("bin/java").toString());
		command.addAll(jvmArgs);
		command.addAll(launch);
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(appArgs);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		RelayProcess relay = new RelayProcess(javaHome, process, port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (!relay.accepts()) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				relay.close();
				throw new IllegalStateException("The sample app did not start; see " + log);
			}
			Thread.sleep(200);
		}
		return relay;
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	int port() {
		return this.port;
	}

	/** CPU time the app's process has used so far, all threads together, in nanoseconds. */
	long cpuNanos() {
		return this.process.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
	}

	/** Live threads of the app, from its performance counters. */
	int liveThreads() throws IOException, InterruptedException {
		return Integer.parseInt(find(LIVE_THREADS, jcmd("PerfCounter.print")));
	}

	/** Forces a full collection and returns the heap used after it, in MiB. */
	double heapAfterGcMiB() throws IOException, InterruptedException {
		jcmd("GC.run");
		return Long.parseLong(find(HEAP_USED, jcmd("GC.heap_info"))) / 1024.0;
	}

	private String jcmd(String command) throws IOException, InterruptedException {
		Process jcmd = new ProcessBuilder(this.javaHome.resolve("bin/jcmd").toString(),
				Long.toString(this.process.pid()), command)
			.redirectErrorStream(true)
			.start();
		String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
			jcmd.destroyForcibly();
			throw new IllegalStateException("jcmd " + command + " did not finish");
		}
		return output;
	}

	private static String find(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + pattern + " in: " + text);
		}
		return matcher.group(1);
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
