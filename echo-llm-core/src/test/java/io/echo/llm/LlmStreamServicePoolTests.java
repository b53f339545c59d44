package io.echo.llm;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.finishEvent;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A soak as users drive it: many streams through one service, half of them left mid-stream by their reader,
 * against an upstream that streams slowly and closes connections left idle past a short keep-alive, as servers do.
 * Afterwards the pooled connections the server closed must not sit half-closed ({@code CLOSE_WAIT}) for good, and the
 * soak must leave no thread behind. Runs over Apache HttpClient 5 and again over the JDK client.
 */
@Timeout(60)
class LlmStreamServicePoolTests {

	private static final int STREAMS = 160;

	private static final int READERS = 40;

	private static final int CHUNKS = 6;

	/**
	 * How long the upstream keeps an idle connection open, as Node (5 s) or uvicorn (5 s) do, but shorter. Longer
	 * than a connection waits in the pool during the soak, where readers start their next stream at once: a server
	 * that closes a connection just as the client reuses it fails that attempt, a race no client can avoid.
	 */
	private static final int SERVER_KEEP_ALIVE_MILLIS = 1000;

	/** Apache's idle eviction, made short here; ApacheHttpClients.MAX_IDLE says why the default is what it is. */
	private static final String IDLE_EVICTION_PROPERTY = "echo.llm.http.max-idle-ms";

	private KeepAliveUpstream upstream;

	private String evictionBefore;

	@AfterEach
	void stop() throws IOException {
		if (this.upstream != null) {
			this.upstream.close();
		}
		if (this.evictionBefore == null) {
			System.clearProperty(IDLE_EVICTION_PROPERTY);
		}
		else {
			System.setProperty(IDLE_EVICTION_PROPERTY, this.evictionBefore);
		}
	}

	@Test
	void aSoakWithHalfTheReadersLeavingMidStreamLeavesNoHalfClosedConnectionOrThreadBehind() throws Exception {
		assumeThat(Path.of("/proc/self/net/tcp")).exists();
		this.evictionBefore = System.getProperty(IDLE_EVICTION_PROPERTY);
		// Longer than the upstream's keep-alive: the upstream closes pooled connections before the client evicts them.
		System.setProperty(IDLE_EVICTION_PROPERTY, "2000");
		this.upstream = new KeepAliveUpstream();
		LlmStreamService llm = client(this.upstream.baseUrl()).build();
		// One stream first, so that threads made once per service or per process (watchdog, selector) count as before.
		assertThat(read(llm, Reader.TO_THE_END)).isEqualTo(CHUNKS);
		int threadsBefore = liveThreads();

		ThreadPoolExecutor readers = new ThreadPoolExecutor(READERS, READERS, 0, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> new Thread(task, "soak-reader"));
		List<Future<Integer>> results = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			Reader reader = Reader.values()[i % 4];
			results.add(readers.submit(() -> read(llm, reader)));
		}
		for (int i = 0; i < STREAMS; i++) {
			assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((i % 2 == 0) ? CHUNKS : 2);
		}
		readers.shutdown();
		assertThat(readers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		// A stream left mid-way closes its connection (the rest of its answer is never read): no connection serves
		// two of them, so there are at least as many connections as streams left.
		assertThat(this.upstream.connections()).isGreaterThanOrEqualTo(STREAMS / 2);

		// The upstream closes the connections left idle in the pool: from then on, any the client keeps is half-closed.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (this.upstream.openConnections() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(this.upstream.openConnections()).isZero();
		while ((ProcSockets.closeWaitTo(this.upstream.port()) > 0 || liveThreads() > threadsBefore + 2)
				&& System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(ProcSockets.closeWaitTo(this.upstream.port())).as("sockets in CLOSE_WAIT to the upstream").isZero();
		assertThat(liveThreads()).as("live threads").isLessThanOrEqualTo(threadsBefore + 2);
	}

	/** Reads one stream as the given reader does and returns the chunks it read. */
	private static int read(LlmStreamService llm, Reader reader) {
		int read = 0;
		try (ChatCompletionStream stream = llm.stream(hello())) {
			Iterator<ChatCompletionChunk> chunks = stream.iterator();
			while (chunks.hasNext()) {
				chunks.next();
				read++;
				if (read == 2 && reader == Reader.CANCELS) {
					stream.cancel();
					assertThat(chunks.hasNext()).isFalse();
					break;
				}
				if (read == 2 && reader == Reader.CLOSES) {
					break;
				}
			}
		}
		return read;
	}

	/** How a reader of the soak ends its stream; half of them leave after two chunks. */
	private enum Reader {

		TO_THE_END, CANCELS, TO_THE_END_AGAIN, CLOSES

	}

	/** Live threads, but not the upstream's nor the readers' own. */
	private static int liveThreads() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && !thread.getName().startsWith("soak-"))
			.count();
	}

	/**
	 * An HTTP/1.1 upstream on loopback that serves any number of requests per connection, streams each answer
	 * slowly in chunked encoding (ended by [DONE] and the chunked terminator) and closes a connection that stays idle
	 * longer than its keep-alive. Its threads end soon after their connection does.
	 */
	private static final class KeepAliveUpstream implements AutoCloseable {

		private final ServerSocket serverSocket;

		private final ExecutorService executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 100,
				TimeUnit.MILLISECONDS, new SynchronousQueue<>(), (task) -> new Thread(task, "soak-upstream"));

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private final AtomicInteger connections = new AtomicInteger();

		KeepAliveUpstream() throws IOException {
			this.serverSocket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
			this.executor.execute(this::acceptLoop);
		}

		String baseUrl() {
			return "http://127.0.0.1:" + port() + "/v1";
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		int connections() {
			return this.connections.get();
		}

		int openConnections() {
			return this.sockets.size();
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
				socket.setSoTimeout(SERVER_KEEP_ALIVE_MILLIS);
				socket.setTcpNoDelay(true);
				InputStream in = socket.getInputStream();
				OutputStream out = new BufferedOutputStream(socket.getOutputStream());
				while (HttpRequests.read(in) != null) {
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
							+ "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
					for (int i = 1; i <= CHUNKS; i++) {
						chunk(out, (i < CHUNKS) ? chunkEvent("c" + i, "tok") : finishEvent("c" + i));
						Thread.sleep(20);
					}
					// [DONE] and the terminator in one write, as providers send them.
					byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
					out.write((Integer.toHexString(done.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
					out.write(done);
					out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// Idle past the keep-alive, the client went away, or the test ended: close the connection.
			}
			finally {
				this.sockets.remove(socket);
			}
		}

		private static void chunk(OutputStream out, String text) throws IOException {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.write(bytes);
			out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
		}

		@Override
		public void close() throws IOException {
			this.serverSocket.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
			this.executor.shutdownNow();
		}

	}

}
