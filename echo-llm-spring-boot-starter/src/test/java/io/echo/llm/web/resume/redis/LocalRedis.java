package io.echo.llm.web.resume.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real Redis server on loopback for tests: the one on 127.0.0.1:6379 when it answers (CI starts it there), otherwise
 * Debian's {@code redis-server} started on a free port for this test run and stopped after it. Without either, the
 * tests of a class or method annotated {@code @ExtendWith(LocalRedis.Extension.class)} are reported as skipped with
 * the reason (an {@link ExecutionCondition}, evaluated before anything starts), unless {@code CI=true}, where they run
 * and fail: {@code .ci/run} installs and starts Redis, so a skip there would hide a broken install step.
 */
public final class LocalRedis {

	private static final String SERVER = "/usr/bin/redis-server";

	private final int port;

	private LocalRedis(int port) {
		this.port = port;
	}

	/** Returns the host, always loopback. */
	public String host() {
		return "127.0.0.1";
	}

	/** Returns the port. */
	public int port() {
		return this.port;
	}

	/** Returns a started connection factory; the caller destroys it. */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(host(), this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Skips the tests when no Redis can be had, and resolves {@code LocalRedis} parameters:
	 * {@code @ExtendWith(LocalRedis.Extension.class)}.
	 */
	public static final class Extension implements ExecutionCondition, ParameterResolver {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			if (Server.available()) {
				return ConditionEvaluationResult.enabled("Redis on 127.0.0.1:6379 or " + SERVER);
			}
			if ("true".equals(System.getenv("CI"))) {
				return ConditionEvaluationResult.enabled("CI=true: the Redis tests must run (.ci/run starts Redis)");
			}
			return ConditionEvaluationResult.disabled(Server.MISSING + ": skipping the Redis tests");
		}

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == LocalRedis.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getRoot()
				.getStore(ExtensionContext.Namespace.create(LocalRedis.class))
				.computeIfAbsent(Server.class, (key) -> Server.start(), Server.class)
				.redis;
		}

	}

	/** The server for the whole test run; JUnit closes it when the run ends. */
	static final class Server implements AutoCloseable {

		private final LocalRedis redis;

		private final @Nullable Process process;

		private Server(LocalRedis redis, @Nullable Process process) {
			this.redis = redis;
			this.process = process;
		}

		static final String MISSING = "No Redis on 127.0.0.1:6379 and no " + SERVER + " (apt-get install redis-server)";

		/** Whether a Redis answers on the default port or one can be started. */
		static boolean available() {
			return new File(SERVER).canExecute() || answersPing(6379);
		}

		static Server start() {
			if (answersPing(6379)) {
				return new Server(new LocalRedis(6379), null);
			}
			if (!new File(SERVER).canExecute()) {
				throw new IllegalStateException(MISSING + "; CI=true, so the Redis tests must run");
			}
			int port = freePort();
			try {
				Process process = new ProcessBuilder(SERVER, "--bind", "127.0.0.1", "--port", Integer.toString(port),
						"--save", "", "--appendonly", "no")
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (!answersPing(port)) {
					if (System.nanoTime() > deadline || !process.isAlive()) {
						process.destroyForcibly();
						throw new IllegalStateException("redis-server did not answer on port " + port);
					}
					process.waitFor(50, TimeUnit.MILLISECONDS);
				}
				return new Server(new LocalRedis(port), process);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not start " + SERVER, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting " + SERVER, ex);
			}
		}

		@Override
		public void close() throws InterruptedException {
			if (this.process != null) {
				this.process.destroy();
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
		}

		private static boolean answersPing(int port) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
				socket.setSoTimeout(1000);
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] reply = in.readNBytes(7);
				return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static int freePort() {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free port", ex);
			}
		}

	}

}
