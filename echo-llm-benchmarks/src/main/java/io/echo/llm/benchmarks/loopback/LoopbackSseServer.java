package io.echo.llm.benchmarks.loopback;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible streaming endpoint on 127.0.0.1 with byte-exact control: every {@code POST} gets a
 * {@code text/event-stream} response in HTTP/1.1 chunked framing written by the {@link Responder}, and the connection
 * stays open for the next request as real providers' do. The request body is read and ignored.
 * <p>
 * The CPU time the responders spend is counted ({@link #responderCpuNanos()}) so that a benchmark can take the
 * server's share out of the process CPU time it reports.
 */
public final class LoopbackSseServer implements AutoCloseable {

	private static final byte[] RESPONSE_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final Responder responder;

	private final ServerSocket serverSocket;

	private final ExecutorService executor;

	private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong responderCpuNanos = new AtomicLong();

	private final AtomicInteger responses = new AtomicInteger();

	public LoopbackSseServer(Responder responder) throws IOException {
		this.responder = responder;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		AtomicInteger threadCount = new AtomicInteger();
		// Bounded: clients pool a handful of connections; a 65th concurrent one is refused, never queued forever.
		this.executor = new ThreadPoolExecutor(1, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), (task) -> {
			Thread thread = new Thread(task, "loopback-sse-" + threadCount.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.executor.execute(this::acceptLoop);
	}

	/** Base URL to give a client: {@code http://127.0.0.1:<port>/v1}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
	}

	/** CPU time spent in {@link Responder#respond} so far, all connections together. */
	public long responderCpuNanos() {
		return this.responderCpuNanos.get();
	}

	/** Responses begun so far. */
	public int responses() {
		return this.responses.get();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				socket.setTcpNoDelay(true);
				this.connections.add(socket);
				try {
					this.executor.execute(() -> serve(socket));
				}
				catch (RuntimeException rejected) {
					closeQuietly(socket);
				}
			}
			catch (IOException ex) {
				// Closed by close(), or a failed accept: either way the loop re-checks isClosed().
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			while (readRequest(in)) {
				out.write(RESPONSE_HEAD);
				this.responses.incrementAndGet();
				long cpuBefore = THREADS.getCurrentThreadCpuTime();
				try {
					this.responder.respond(new ChunkedWriter(out));
				}
				finally {
					this.responderCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuBefore);
				}
				out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
		}
		catch (SocketException ex) {
			// The client went away (cancel, close, end of a benchmark): nothing to report.
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("loopback server: " + ex);
		}
		finally {
			this.connections.remove(socket);
		}
	}

	/** Reads one request head and body; false at a clean end of the connection. */
	private static boolean readRequest(InputStream in) throws IOException {
		String head = readHead(in);
		if (head == null) {
			return false;
		}
		long contentLength = 0;
		boolean chunked = false;
		for (String line : head.split("\r\n")) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				contentLength = Long.parseLong(lower.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		if (chunked) {
			skipChunkedBody(in);
		}
		else {
			in.skipNBytes(contentLength);
		}
		return true;
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				return null;
			}
			head.append((char) b);
			matched = (b == (((matched & 1) == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return head.toString();
	}

	private static void skipChunkedBody(InputStream in) throws IOException {
		while (true) {
			String sizeLine = readLine(in);
			int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
			if (size == 0) {
				while (!readLine(in).isEmpty()) {
					// trailers
				}
				return;
			}
			in.skipNBytes(size);
			readLine(in);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				throw new IOException("end of stream inside a chunked request body");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	@Override
	public void close() {
		closeQuietly(this.serverSocket);
		this.connections.forEach(LoopbackSseServer::closeQuietly);
		this.executor.shutdownNow();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	/** Writes the body of one response. */
	@FunctionalInterface
	public interface Responder {

		void respond(ChunkedWriter out) throws IOException;

	}

	/** The body of one response, in HTTP/1.1 chunked framing. */
	public static final class ChunkedWriter {

		private final OutputStream out;

		ChunkedWriter(OutputStream out) {
			this.out = out;
		}

		/** Writes bytes already framed as HTTP chunks (see {@link #frame}), straight to the socket. */
		public void writeFramed(byte[] framed) throws IOException {
			this.out.write(framed);
		}

		/** Frames the bytes as one HTTP chunk and sends it at once, in one write. */
		public void writeChunk(byte[] bytes) throws IOException {
			this.out.write(frame(bytes, 0, bytes.length));
			this.out.flush();
		}

		/** Frames {@code body} as HTTP chunks of at most {@code chunkSize} bytes. */
		public static byte[] frame(byte[] body, int chunkSize) {
			ByteArrayOutputStream framed = new ByteArrayOutputStream(body.length + body.length / 100 + 64);
			for (int offset = 0; offset < body.length; offset += chunkSize) {
				framed.writeBytes(frame(body, offset, Math.min(chunkSize, body.length - offset)));
			}
			return framed.toByteArray();
		}

		private static byte[] frame(byte[] body, int offset, int length) {
			byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
			byte[] framed = new byte[size.length + length + 2];
			System.arraycopy(size, 0, framed, 0, size.length);
			System.arraycopy(body, offset, framed, size.length, length);
			framed[framed.length - 2] = '\r';
			framed[framed.length - 1] = '\n';
			return framed;
		}

	}

}
