package io.echo.llm.benchmarks.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream that drips a slow model's stream to thousands of connections from one thread: every
 * {@code POST} gets {@code tokens} content chunks, one every {@code interval} from the moment its request arrived, each
 * carrying {@code "<seq>:<System.nanoTime()>"} taken just before its write, then a finish chunk, a usage chunk and
 * {@code [DONE]}. Streams start when their requests arrive, so the writes spread over the interval as a real provider's
 * would instead of landing on every connection at once. The connection stays open for the next request.
 * <p>
 * {@link System#nanoTime()} is the monotonic clock of the machine on Linux, so a load driver in another JVM on the same
 * machine can still compare it with its own.
 */
public final class DripServer implements AutoCloseable {

	private static final byte[] RESPONSE_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private static final String CHUNK_HEAD = "data: {\"id\":\"chatcmpl-drip\",\"object\":\"chat.completion.chunk\","
			+ "\"created\":1732916916,\"model\":\"drip\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";

	private static final String CHUNK_TAIL = "\"},\"finish_reason\":null}]}\n\n";

	private static final String END = "{\"id\":\"chatcmpl-drip\",\"object\":\"chat.completion.chunk\","
			+ "\"created\":1732916916,\"model\":\"drip\",\"choices\":[{\"index\":0,\"delta\":{},"
			+ "\"finish_reason\":\"stop\"}]}";

	/**
	 * A request that contains this (in a message) gets {@link #WARM_UP_TOKENS} tokens instead of the server's count:
	 * short streams that take a relay's per-stream code through the JIT before a measurement.
	 */
	static final String WARM_UP_MARKER = "drip-warm-up";

	/** Tokens of a warm-up stream. */
	static final int WARM_UP_TOKENS = 2;

	private final int tokens;

	private final long intervalNanos;

	private final ServerSocketChannel server;

	private final Selector selector;

	private final PriorityQueue<Connection> due = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));

	private final ExecutorService loop = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "drip-server");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger streamsStarted = new AtomicInteger();

	private final AtomicInteger streamsFinished = new AtomicInteger();

	private volatile boolean closed;

	public DripServer(int tokens, long intervalNanos) throws IOException {
		this.tokens = tokens;
		this.intervalNanos = intervalNanos;
		this.selector = Selector.open();
		this.server = ServerSocketChannel.open();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
		this.server.configureBlocking(false);
		this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		this.loop.execute(this::run);
	}

	/** Base URL to give a client: {@code http://127.0.0.1:<port>/v1}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.socket().getLocalPort() + "/v1";
	}

	/** Streams begun so far. */
	public int streamsStarted() {
		return this.streamsStarted.get();
	}

	/** Streams written to their end so far. */
	public int streamsFinished() {
		return this.streamsFinished.get();
	}

	private void run() {
		try {
			while (!this.closed) {
				Connection next = this.due.peek();
				long waitMillis = (next != null) ? (next.due - System.nanoTime() + 999_999) / 1_000_000 : 100;
				if (waitMillis > 0) {
					this.selector.select(waitMillis);
				}
				else {
					this.selector.selectNow();
				}
				for (SelectionKey key : this.selector.selectedKeys()) {
					handle(key);
				}
				this.selector.selectedKeys().clear();
				long now = System.nanoTime();
				while ((next = this.due.peek()) != null && next.due <= now) {
					this.due.poll();
					next.drip();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				System.err.println("drip server stopped: " + ex);
			}
		}
	}

	private void handle(SelectionKey key) throws IOException {
		if (!key.isValid()) {
			return;
		}
		if (key.isAcceptable()) {
			SocketChannel channel;
			while ((channel = this.server.accept()) != null) {
				channel.configureBlocking(false);
				channel.socket().setTcpNoDelay(true);
				Connection connection = new Connection(channel);
				connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
			}
			return;
		}
		Connection connection = (Connection) key.attachment();
		try {
			if (key.isReadable()) {
				connection.read();
			}
			if (key.isValid() && key.isWritable()) {
				connection.flush();
			}
		}
		catch (IOException ex) {
			connection.close();
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.selector.wakeup();
		this.loop.shutdown();
		try {
			this.loop.awaitTermination(5, TimeUnit.SECONDS);
			for (SelectionKey key : this.selector.keys()) {
				key.channel().close();
			}
			this.selector.close();
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ByteBuffer frame(String sse) {
		byte[] body = sse.getBytes(StandardCharsets.UTF_8);
		byte[] size = (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		ByteBuffer framed = ByteBuffer.allocate(size.length + body.length + 2);
		framed.put(size).put(body).put((byte) '\r').put((byte) '\n');
		return framed.flip();
	}

	/** One client connection: reading a request, or dripping a response. */
	private final class Connection {

		private final SocketChannel channel;

		private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);

		private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

		private SelectionKey key;

		private boolean streaming;

		private int seq;

		private int limit;

		private long due;

		Connection(SocketChannel channel) {
			this.channel = channel;
		}

		void read() throws IOException {
			int n = this.channel.read(this.in);
			if (n < 0) {
				close();
				return;
			}
			if (!this.streaming && requestComplete()) {
				String request = new String(this.in.array(), 0, this.in.position(), StandardCharsets.ISO_8859_1);
				this.limit = request.contains(WARM_UP_MARKER) ? WARM_UP_TOKENS : DripServer.this.tokens;
				this.in.clear();
				this.streaming = true;
				this.seq = 0;
				this.due = System.nanoTime();
				DripServer.this.streamsStarted.incrementAndGet();
				this.out.add(ByteBuffer.wrap(RESPONSE_HEAD));
				drip();
			}
			else if (this.streaming) {
				this.in.clear();
			}
		}

		/** Whether the buffer holds a whole request: head plus Content-Length bytes, or a chunked body's end. */
		private boolean requestComplete() {
			String text = new String(this.in.array(), 0, this.in.position(), StandardCharsets.ISO_8859_1);
			int headEnd = text.indexOf("\r\n\r\n");
			if (headEnd < 0) {
				return false;
			}
			String head = text.substring(0, headEnd).toLowerCase(Locale.ROOT);
			if (head.contains("transfer-encoding: chunked")) {
				return text.endsWith("0\r\n\r\n");
			}
			int at = head.indexOf("content-length:");
			if (at < 0) {
				return true;
			}
			int lineEnd = head.indexOf("\r\n", at);
			long length = Long.parseLong(head.substring(at + 15, (lineEnd < 0) ? head.length() : lineEnd).trim());
			return text.length() - headEnd - 4 >= length;
		}

		/** Writes the next chunk (or the end of the stream) and schedules the one after. */
		void drip() {
			if (!this.channel.isOpen()) {
				return;
			}
			if (this.seq < this.limit) {
				this.out.add(frame(CHUNK_HEAD + this.seq + ":" + System.nanoTime() + CHUNK_TAIL));
				this.seq++;
				this.due += DripServer.this.intervalNanos;
				DripServer.this.due.add(this);
			}
			else {
				String usage = "{\"id\":\"chatcmpl-drip\",\"object\":\"chat.completion.chunk\",\"created\":1732916916,"
						+ "\"model\":\"drip\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":"
						+ this.seq + ",\"total_tokens\":" + (this.seq + 1) + "}}";
				this.out.add(frame("data: " + END + "\n\ndata: " + usage + "\n\ndata: [DONE]\n\n"));
				this.out.add(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
				this.streaming = false;
				DripServer.this.streamsFinished.incrementAndGet();
			}
			try {
				flush();
			}
			catch (IOException ex) {
				close();
			}
		}

		void flush() throws IOException {
			while (!this.out.isEmpty()) {
				ByteBuffer head = this.out.peek();
				this.channel.write(head);
				if (head.hasRemaining()) {
					this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					return;
				}
				this.out.poll();
			}
			this.key.interestOps(SelectionKey.OP_READ);
		}

		void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

}
