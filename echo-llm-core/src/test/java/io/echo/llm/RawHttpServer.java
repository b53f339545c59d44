package io.echo.llm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte-exact HTTP/1.1 server on loopback for what WireMock cannot do: stall, hold a socket open, reset it, and
 * tell whether the client closed the connection. Each connection runs the given {@link Script}.
 */
final class RawHttpServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Script script;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private volatile boolean closing;

	/** Counted down each time a client closes a connection that the script was holding open. */
	private final CountDownLatch clientClosed = new CountDownLatch(1);

	RawHttpServer(Script script) throws IOException {
		this.script = script;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::acceptLoop);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
	}

	/** Requests seen so far, as header text followed by the body. */
	List<String> requests() {
		return this.requests;
	}

	int connections() {
		return this.connections.get();
	}

	/** Waits until a client closed a connection that the script waited on with {@link Exchange#awaitClientClose}. */
	boolean awaitClientClose(long timeout, TimeUnit unit) throws InterruptedException {
		return this.clientClosed.await(timeout, unit);
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.sockets.add(socket);
				this.connections.incrementAndGet();
				this.executor.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			HttpRequests.Request read = HttpRequests.read(socket.getInputStream());
			if (read == null) {
				return;
			}
			String request = read.head() + read.body();
			this.requests.add(request);
			this.script.run(new Exchange(socket, request));
		}
		catch (IOException | InterruptedException ex) {
			// The client went away or the test ended: nothing more to serve.
		}
	}

	@Override
	public void close() throws IOException {
		this.closing = true;
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.executor.shutdownNow();
	}

	/** What the server does on one connection after reading the request. */
	@FunctionalInterface
	interface Script {

		void run(Exchange exchange) throws IOException, InterruptedException;

	}

	/** One connection, with helpers to answer in chunked transfer encoding. */
	final class Exchange {

		private final Socket socket;

		private final String request;

		private final OutputStream out;

		Exchange(Socket socket, String request) throws IOException {
			this.socket = socket;
			this.request = request;
			this.out = socket.getOutputStream();
		}

		String request() {
			return this.request;
		}

		/** Sends a status line and headers for a chunked event stream. */
		Exchange sseHeaders() throws IOException {
			return raw("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
		}

		/** Sends the text as one HTTP chunk and flushes it. */
		Exchange chunk(String text) throws IOException {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			return chunk(bytes, 0, bytes.length);
		}

		/** Sends the bytes as one HTTP chunk and flushes it; a UTF-8 character may be cut between chunks. */
		Exchange chunk(byte[] bytes, int offset, int length) throws IOException {
			this.out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			this.out.write(bytes, offset, length);
			this.out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
			this.out.flush();
			return this;
		}

		/** Ends the chunked body properly. */
		Exchange endBody() throws IOException {
			return raw("0\r\n\r\n");
		}

		Exchange raw(String text) throws IOException {
			this.out.write(text.getBytes(StandardCharsets.UTF_8));
			this.out.flush();
			return this;
		}

		/** Closes the sending side (FIN) without ending the body, and waits for the client to close. */
		void closeOutput() throws IOException {
			this.socket.shutdownOutput();
			awaitClientClose();
		}

		/** Resets the connection (RST instead of FIN). */
		void reset() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

		/** The client closed the connection (a write to it failed): records that it did. */
		void clientClosed() {
			if (!RawHttpServer.this.closing) {
				RawHttpServer.this.clientClosed.countDown();
			}
		}

		/**
		 * Holds the connection open until the client closes it (or the test ends), then records that it did.
		 * @return whether the client closed it
		 */
		boolean awaitClientClose() throws IOException {
			try {
				while (this.socket.getInputStream().read() >= 0) {
					// Discard: a client may only send more requests, which this server does not serve.
				}
			}
			catch (IOException ex) {
				// A reset from the client is a close too.
			}
			if (RawHttpServer.this.closing) {
				return false;
			}
			RawHttpServer.this.clientClosed.countDown();
			return true;
		}

	}

}
