package io.echo.llm.benchmarks.relay;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the machine's, started on a free loopback port for the relay's Redis-store mode and
 * stopped after it: no persistence, nothing but this benchmark's keys.
 */
final class RedisServer implements AutoCloseable {

	private final Process process;

	private final int port;

	private RedisServer(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** The {@code redis-server} on the {@code PATH}, if there is one. */
	static Optional<Path> find() {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-server");
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/** Starts the server and waits until it answers {@code PING}. */
	static RedisServer start(Path executable, Path log) throws IOException, InterruptedException {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		Process process = new ProcessBuilder(executable.toString(), "--bind", "127.0.0.1", "--port",
				Integer.toString(port), "--save", "", "--appendonly", "no", "--maxclients", "10000")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		RedisServer server = new RedisServer(process, port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!server.answersPing()) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				server.close();
				throw new IllegalStateException("redis-server did not answer on port " + port + "; see " + log);
			}
			process.waitFor(50, TimeUnit.MILLISECONDS);
		}
		return server;
	}

	int port() {
		return this.port;
	}

	/** CPU time the server has used so far, in nanoseconds. */
	long cpuNanos() {
		return this.process.toHandle().info().totalCpuDuration().map((cpu) -> cpu.toNanos()).orElse(0L);
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
