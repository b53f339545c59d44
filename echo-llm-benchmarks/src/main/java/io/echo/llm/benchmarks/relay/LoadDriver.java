package io.echo.llm.benchmarks.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.echo.llm.benchmarks.stats.Summary;

/**
 * Opens {@code streams} concurrent streaming chat requests to a relay, spread evenly over a ramp, from one thread with
 * non-blocking sockets so that the driver costs the machine little next to the relay it measures. For every relayed
 * token it notes the delay from the upstream's send stamp (see {@link DripServer}) to its arrival here, and for every
 * stream whether every token and the final {@code [DONE]} arrived. It talks only to the loopback address it is given
 * and stops by itself at the deadline, counting what has not finished as an error.
 */
final class LoadDriver {

	/** The error a stream refused at admission counts as: the relay's {@code 503 relay_busy}, before any event. */
	static final String REFUSED = "HTTP 503";

	private final URI target;

	private final byte[] request;

	private final int streams;

	private final int tokens;

	private final long rampNanos;

	private final long deadlineNanos;

	private final AtomicInteger active = new AtomicInteger();

	private final AtomicLong received = new AtomicLong();

	private final Samples samples = new Samples();

	private final Map<String, Integer> errors = new TreeMap<>();

	private int complete;

	private long lostTokens;

	private long duplicatedTokens;

	/**
	 * @param target the relay's URL, on a loopback address
	 * @param body the JSON request body
	 * @param streams how many streams
	 * @param tokens the tokens each stream must deliver
	 * @param ramp the time over which the streams are opened
	 * @param deadline the time after which the driver gives up on the streams still open
	 */
	LoadDriver(URI target, String body, int streams, int tokens, Duration ramp, Duration deadline) {
		if (!"127.0.0.1".equals(target.getHost()) && !"localhost".equals(target.getHost())) {
			throw new IllegalArgumentException("The load driver talks to loopback only, not " + target.getHost());
		}
		this.target = target;
		byte[] json = body.getBytes(StandardCharsets.UTF_8);
		String head = "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort()
				+ "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: " + json.length
				+ "\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
		this.request = Arrays.copyOf(headBytes, headBytes.length + json.length);
		System.arraycopy(json, 0, this.request, headBytes.length, json.length);
		this.streams = streams;
		this.tokens = tokens;
		this.rampNanos = ramp.toNanos();
		this.deadlineNanos = deadline.toNanos();
	}

	/** Streams open and not yet finished; readable from any thread while {@link #run()} runs. */
	int active() {
		return this.active.get();
	}

	/** Tokens received so far, counting duplicates; readable from any thread while {@link #run()} runs. */
	long received() {
		return this.received.get();
	}

	/** Runs the load to its end or to the deadline, on the calling thread. */
	Result run() throws IOException {
		InetSocketAddress address = new InetSocketAddress(this.target.getHost(), this.target.getPort());
		List<Stream> open = new ArrayList<>();
		try (Selector selector = Selector.open()) {
			long start = System.nanoTime();
			int opened = 0;
			int finished = 0;
			while (finished < this.streams && System.nanoTime() - start < this.deadlineNanos) {
				long elapsed = System.nanoTime() - start;
				int due = (this.rampNanos == 0) ? this.streams
						: (int) Math.min(this.streams, (elapsed * this.streams) / this.rampNanos + 1);
				for (; opened < due; opened++) {
					Stream stream = new Stream(SocketChannel.open());
					open.add(stream);
					stream.connect(selector, address);
					this.active.incrementAndGet();
				}
				selector.select(opened < this.streams ? 1 : 50);
				long now = System.nanoTime();
				for (SelectionKey key : selector.selectedKeys()) {
					Stream stream = (Stream) key.attachment();
					if (stream.handle(key, now)) {
						finished++;
						this.active.decrementAndGet();
					}
				}
				selector.selectedKeys().clear();
			}
			for (Stream stream : open) {
				if (!stream.ended) {
					stream.fail("unfinished at the deadline");
				}
			}
		}
		return new Result(this.streams, this.complete, this.samples, Map.copyOf(this.errors), this.lostTokens,
				this.duplicatedTokens);
	}

	private void error(String kind) {
		this.errors.merge(kind, 1, Integer::sum);
	}

	/** One client stream: connect, send, read the head, then the chunked SSE body. */
	private final class Stream {

		private final SocketChannel channel;

		private final ByteBuffer in = ByteBuffer.allocate(8 * 1024);

		private final ByteBuffer out = ByteBuffer.wrap(LoadDriver.this.request);

		private final ResponseReader reader = new ResponseReader();

		private final boolean[] seen = new boolean[LoadDriver.this.tokens];

		private int received;

		private boolean ended;

		Stream(SocketChannel channel) {
			this.channel = channel;
		}

		void connect(Selector selector, InetSocketAddress address) throws IOException {
			this.channel.configureBlocking(false);
			this.channel.socket().setTcpNoDelay(true);
			boolean connected = this.channel.connect(address);
			this.channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
		}

		/** Handles readiness; true when the stream has just ended, well or badly. */
		boolean handle(SelectionKey key, long now) {
			try {
				if (key.isConnectable() && this.channel.finishConnect()) {
					key.interestOps(SelectionKey.OP_WRITE);
				}
				if (key.isValid() && key.isWritable()) {
					this.channel.write(this.out);
					if (!this.out.hasRemaining()) {
						key.interestOps(SelectionKey.OP_READ);
					}
				}
				if (key.isValid() && key.isReadable()) {
					return read(now);
				}
				return false;
			}
			catch (IOException ex) {
				return fail(ex.getClass().getSimpleName());
			}
		}

		private boolean read(long now) throws IOException {
			this.in.clear();
			int n = this.channel.read(this.in);
			if (n < 0) {
				return fail(this.reader.done() ? "closed after [DONE] without the end of the body"
						: "closed before [DONE]");
			}
			this.reader.feed(this.in.array(), 0, n, (seq, stamp) -> token(seq, stamp, now));
			if (this.reader.status() > 0 && this.reader.status() != 200) {
				return fail("HTTP " + this.reader.status());
			}
			if (this.reader.error()) {
				return fail("error event");
			}
			if (this.reader.done()) {
				return end();
			}
			return false;
		}

		private void token(int seq, long stamp, long now) {
			if (seq >= 0 && seq < this.seen.length) {
				if (this.seen[seq]) {
					LoadDriver.this.duplicatedTokens++;
				}
				else {
					this.seen[seq] = true;
					this.received++;
				}
			}
			LoadDriver.this.samples.add(stamp, now - stamp);
			LoadDriver.this.received.incrementAndGet();
		}

		private boolean end() {
			close();
			if (this.received == LoadDriver.this.tokens) {
				LoadDriver.this.complete++;
			}
			else {
				error("tokens lost");
				LoadDriver.this.lostTokens += LoadDriver.this.tokens - this.received;
			}
			return true;
		}

		private boolean fail(String kind) {
			if (this.ended) {
				return false;
			}
			close();
			error(kind);
			return true;
		}

		private void close() {
			this.ended = true;
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

	/**
	 * What a load run saw.
	 * @param streams streams opened
	 * @param complete streams that delivered every token and {@code [DONE]}
	 * @param samples the send stamp and delay of every token received
	 * @param errors streams that failed, by kind
	 * @param lostTokens tokens missing from streams that reached their end ({@code [DONE]} or {@code done})
	 * @param duplicatedTokens tokens received more than once in the same stream
	 */
	record Result(int streams, int complete, Samples samples, Map<String, Integer> errors, long lostTokens,
			long duplicatedTokens) {

		int errorCount() {
			return this.errors.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

	/** Send stamps and delays, in arrival order, in two growing arrays. */
	static final class Samples {

		private long[] stamps = new long[1 << 16];

		private long[] delays = new long[1 << 16];

		private int size;

		void add(long stamp, long delay) {
			if (this.size == this.stamps.length) {
				this.stamps = Arrays.copyOf(this.stamps, this.size * 2);
				this.delays = Arrays.copyOf(this.delays, this.size * 2);
			}
			this.stamps[this.size] = stamp;
			this.delays[this.size++] = delay;
		}

		int size() {
			return this.size;
		}

		/**
		 * One line per second of send stamps from {@code start} (nanoTime): tokens, p50, p99 and max delay in
		 * milliseconds; shows whether the tail comes from the ramp, a pause or the steady state.
		 */
		List<String> timeline(long start) {
			Map<Long, List<Long>> bySecond = new TreeMap<>();
			for (int i = 0; i < this.size; i++) {
				long second = Math.max(0, (this.stamps[i] - start) / 1_000_000_000L);
				bySecond.computeIfAbsent(second, (key) -> new ArrayList<>()).add(this.delays[i]);
			}
			List<String> lines = new ArrayList<>();
			bySecond.forEach((second, delays) -> {
				long[] values = delays.stream().mapToLong(Long::longValue).toArray();
				lines.add(String.format(Locale.ROOT, "  s%02d %,7d tokens p50 %8.2f p99 %8.2f max %8.1f ms",
						second, values.length, Summary.quantile(values, 0.5) / 1e6,
						Summary.quantile(values, 0.99) / 1e6, Summary.quantile(values, 1.0) / 1e6));
			});
			return lines;
		}

		/** The most tokens sent within one second from {@code start} (nanoTime), by send stamp. */
		long peakPerSecond(long start) {
			Map<Long, Long> bySecond = new TreeMap<>();
			for (int i = 0; i < this.size; i++) {
				bySecond.merge(Math.max(0, (this.stamps[i] - start) / 1_000_000_000L), 1L, Long::sum);
			}
			return bySecond.values().stream().mapToLong(Long::longValue).max().orElse(0);
		}

		/** Every delay, in arrival order. */
		long[] delays() {
			return Arrays.copyOf(this.delays, this.size);
		}

	}

}
