package io.echo.llm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.HttpRequests;

/**
 * A hostile provider on a raw loopback socket, where the bytes matter: it answers every request the way
 * {@link #answer(Answer)} says, counts the connections, and records when the client closes a connection it holds.
 */
final class RawUpstream implements AutoCloseable {

	/** How the upstream answers. */
	enum Answer {

		/** Reads the request and never answers: no status line, no header. */
		SILENT,

		/** {@code 302 Found} to another host. */
		REDIRECT,

		/** {@code 200} with one chunk, then holds the connection open. */
		ONE_CHUNK_THEN_HOLD

	}

	static final String REDIRECT_LOCATION = "http://127.0.0.1:9/elsewhere";

	private final ServerSocket server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final AtomicInteger connections = new AtomicInteger();

	private final java.util.Set<Socket> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();

	private volatile Answer answer = Answer.SILENT;

	private volatile CountDownLatch requested = new CountDownLatch(1);

	private volatile CountDownLatch closed = new CountDownLatch(1);

	RawUpstream() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.submit(this::accept);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/v1";
	}

	/** Sets how the next requests are answered, and forgets the connections so far. */
	void answer(Answer answer) {
		this.answer = answer;
		this.connections.set(0);
		this.requested = new CountDownLatch(1);
		this.closed = new CountDownLatch(1);
	}

	int connections() {
		return this.connections.get();
	}

	/** Polls until the upstream saw this many connections; returns whether it did in time. */
	boolean awaitConnections(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.connections.get() < count) {
			if (System.nanoTime() >= deadline) {
				return false;
			}
			TimeUnit.MILLISECONDS.sleep(20);
		}
		return true;
	}

	boolean awaitRequested(Duration timeout) throws InterruptedException {
		return this.requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Waits until the client closed a connection the upstream holds; returns whether it did in time. */
	boolean awaitClosed(Duration timeout) throws InterruptedException {
		return this.closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.connections.incrementAndGet();
				this.sockets.add(socket);
				this.executor.submit(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		CountDownLatch closedLatch = this.closed;
		try (socket) {
			InputStream in = socket.getInputStream();
			HttpRequests.read(in);
			this.requested.countDown();
			OutputStream out = socket.getOutputStream();
			switch (this.answer) {
				case SILENT -> holdUntilClosed(in, closedLatch);
				case REDIRECT -> {
					out.write(("HTTP/1.1 302 Found\r\nLocation: " + REDIRECT_LOCATION
							+ "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
				case ONE_CHUNK_THEN_HOLD -> {
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
							+ "data: {\"id\":\"chatcmpl-raw\",\"object\":\"chat.completion.chunk\",\"created\":1,"
							+ "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
							+ "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
					holdUntilClosed(in, closedLatch);
				}
			}
		}
		catch (IOException ex) {
			closedLatch.countDown();
		}
	}

	private static void holdUntilClosed(InputStream in, CountDownLatch closed) throws IOException {
		try {
			while (in.read() != -1) {
				// Only the close matters.
			}
		}
		finally {
			closed.countDown();
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.executor.shutdownNow();
	}

}
