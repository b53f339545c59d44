package io.echo.llm.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.HttpRequests;

/**
 * An OpenAI-compatible upstream on a raw loopback socket, with byte-exact control: it streams the first tokens of its
 * script, then either waits for {@link #release()} and streams the rest, or holds the connection open and records when
 * the client closes it ({@link #awaitClosed}).
 */
public final class ScriptedUpstream implements AutoCloseable {

	private final ServerSocket server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final AtomicInteger requests = new AtomicInteger();

	private volatile List<String> tokens = List.of("Hel", "lo");

	private volatile int pauseAfter = Integer.MAX_VALUE;

	private volatile boolean hold;

	private volatile boolean silent;

	private volatile CountDownLatch released = new CountDownLatch(1);

	private volatile CountDownLatch closed = new CountDownLatch(1);

	public ScriptedUpstream() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.submit(this::accept);
	}

	/** Returns the base URL to configure as {@code echo.llm.base-url}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/v1";
	}

	/** Forgets the previous test's script: two tokens, no pause. */
	public ScriptedUpstream reset() {
		this.tokens = List.of("Hel", "lo");
		this.pauseAfter = Integer.MAX_VALUE;
		this.hold = false;
		this.silent = false;
		this.requests.set(0);
		this.released.countDown();
		this.released = new CountDownLatch(1);
		this.closed = new CountDownLatch(1);
		return this;
	}

	/** Streams these tokens, then a finish chunk and {@code [DONE]}. */
	public ScriptedUpstream tokens(List<String> tokens) {
		this.tokens = List.copyOf(tokens);
		return this;
	}

	/** After this many tokens, waits for {@link #release()} before the rest. */
	public ScriptedUpstream pauseAfter(int count) {
		this.pauseAfter = count;
		return this;
	}

	/** After {@link #pauseAfter} tokens, keeps the connection open until the client closes it. */
	public ScriptedUpstream holdAfter(int count) {
		this.pauseAfter = count;
		this.hold = true;
		return this;
	}

	/** Reads the request and sends nothing, not even the status line, until the client closes the connection. */
	public ScriptedUpstream silent() {
		this.silent = true;
		return this;
	}

	public void release() {
		this.released.countDown();
	}

	public int requests() {
		return this.requests.get();
	}

	/** Waits until the client closed a held connection; returns whether it did in time. */
	public boolean awaitClosed(long seconds) throws InterruptedException {
		return awaitClosed(Duration.ofSeconds(seconds));
	}

	/** Waits until the client closed a held connection; returns whether it did in time. */
	public boolean awaitClosed(Duration timeout) throws InterruptedException {
		return this.closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.executor.submit(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			HttpRequests.read(in);
			this.requests.incrementAndGet();
			if (this.silent) {
				holdUntilClosed(in, this.closed);
				return;
			}
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
					+ "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			List<String> script = this.tokens;
			CountDownLatch released = this.released;
			CountDownLatch closed = this.closed;
			for (int i = 0; i < script.size(); i++) {
				if (i == this.pauseAfter) {
					out.flush();
					if (this.hold) {
						holdUntilClosed(in, closed);
						return;
					}
					released.await(30, TimeUnit.SECONDS);
				}
				out.write(chunk("{\"content\":" + quote(script.get(i)) + "}", null));
				out.flush();
			}
			out.write(chunk("{}", "stop"));
			out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
		catch (IOException ex) {
			// The client went away mid-script.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void holdUntilClosed(InputStream in, CountDownLatch closed) {
		try {
			while (in.read() != -1) {
				// Nothing more is expected from the client; only its close matters.
			}
		}
		catch (SocketException ex) {
			// A reset is a close too.
		}
		catch (IOException ex) {
			return;
		}
		closed.countDown();
	}

	private static byte[] chunk(String delta, String finishReason) {
		String reason = (finishReason != null) ? quote(finishReason) : "null";
		return ("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
				+ "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + reason + "}]}\n\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	private static String quote(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	@Override
	public void close() throws IOException {
		this.released.countDown();
		this.server.close();
		this.executor.shutdownNow();
	}

}
