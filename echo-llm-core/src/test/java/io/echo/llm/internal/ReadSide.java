package io.echo.llm.internal;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmException;
import io.echo.llm.chat.ChatCompletionAccumulator;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChunkChoice;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The engine's read side without HTTP: a response body, handed out by {@code read} calls of the sizes a test
 * chooses, goes through {@link DefaultChatCompletionStream} exactly as the bytes of a socket would (SSE parser, chunk
 * decoder, end-of-stream rules); the chunks come out of the stream's iterator. No deadline is watched: reads never
 * block here, so nothing can time out and the stream never sends a request again.
 */
final class ReadSide {

	private static final LlmClientSettings SETTINGS = LlmClientSettings.defaults()
		.withBaseUrl("http://127.0.0.1:9/v1")
		.withApiKey("sk-fuzz-0123456789abcdef");

	// The transport only names its URI, masks secrets and reads the body here; its RestClient never sends anything.
	private static final ChatTransport TRANSPORT = new ChatTransport(SETTINGS,
			RestClient.builder().requestFactory(new SimpleClientHttpRequestFactory()), TimeoutWatchdog.shared());

	private ReadSide() {
	}

	/** Reads a body whole (as far as the stream's buffer allows). */
	static Outcome read(byte[] body, int maxEventBytes) {
		return read(new SplitBody(body, (i) -> Integer.MAX_VALUE), maxEventBytes);
	}

	/**
	 * Reads a body whose {@code read} calls return at most {@code sizes.get(i % sizes.size())} bytes.
	 * @param sizes read sizes, each at least 1; empty reads the body whole
	 */
	static Outcome read(byte[] body, List<Integer> sizes, int maxEventBytes) {
		IntUnaryOperator size = sizes.isEmpty() ? (i) -> Integer.MAX_VALUE : (i) -> sizes.get(i % sizes.size());
		return read(new SplitBody(body, size), maxEventBytes);
	}

	/** Reads any body stream to the end of the chat stream. */
	static Outcome read(CountingBody body, int maxEventBytes) {
		Exchange exchange = new Exchange(JdkTransport.INSTANCE);
		exchange.attach(body);
		long now = TimeoutWatchdog.shared().now();
		Deadlines deadlines = new Deadlines(Deadlines.Timeouts.of(SETTINGS), now, now);
		ChatTransport.Opened opened = new ChatTransport.Opened(exchange, deadlines, 200, new HttpHeaders());
		CallTracker tracker = CallTracker.start(LlmCallListener.NONE,
				new LlmCallListener.CallInfo("fuzz", null, true));
		DefaultChatCompletionStream stream = new DefaultChatCompletionStream(opened, new NoReopen(), tracker, TRANSPORT,
				maxEventBytes);
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		List<@Nullable String> data = new ArrayList<>();
		LlmException failure = null;
		try (stream) {
			for (ChatCompletionChunk chunk : stream) {
				chunks.add(chunk);
				data.add(stream.rawData());
			}
		}
		catch (LlmException ex) {
			failure = ex;
		}
		return new Outcome(chunks, data, failure, body.bytesRead(), body.closed());
	}

	/**
	 * What a caller of the stream sees.
	 *
	 * @param chunks the chunks handed out, in order
	 * @param data for each chunk, the provider's data the stream gave for it ({@link RawChunkData}), or {@code null}
	 * @param failure how the stream failed, or {@code null} when it ended normally
	 * @param bytesRead how many body bytes the stream read
	 * @param bodyClosed whether the stream closed the body at its end
	 */
	record Outcome(List<ChatCompletionChunk> chunks, List<@Nullable String> data, @Nullable LlmException failure,
			long bytesRead,
			boolean bodyClosed) {

		/** The failure's type and message, or {@code null}: what must not depend on how the body was split. */
		@Nullable String failureText() {
			return (this.failure != null) ? this.failure.getClass().getSimpleName() + ": " + this.failure.getMessage()
					: null;
		}

		ChatCompletionAccumulator accumulated() {
			ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
			this.chunks.forEach(accumulator::add);
			return accumulator;
		}

		/** Per choice index, the text of every content delta handed out, joined. */
		Map<Integer, String> contentByChoice() {
			Map<Integer, StringBuilder> texts = new TreeMap<>();
			for (ChatCompletionChunk chunk : this.chunks) {
				for (ChunkChoice choice : chunk.choices()) {
					StringBuilder text = texts.computeIfAbsent(choice.index(), (index) -> new StringBuilder());
					if (choice.delta() != null) {
						text.append(choice.delta().text());
					}
				}
			}
			Map<Integer, String> result = new TreeMap<>();
			texts.forEach((index, text) -> result.put(index, text.toString()));
			return result;
		}

	}

	/** A body stream that counts what was read from it. */
	abstract static class CountingBody extends InputStream {

		private long bytesRead;

		private boolean closed;

		long bytesRead() {
			return this.bytesRead;
		}

		boolean closed() {
			return this.closed;
		}

		protected void count(int read) {
			if (read > 0) {
				this.bytesRead += read;
			}
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

	/** A fixed body handed out in reads of the given sizes. */
	static final class SplitBody extends CountingBody {

		private final byte[] body;

		private final IntUnaryOperator sizes;

		private int offset;

		private int reads;

		SplitBody(byte[] body, IntUnaryOperator sizes) {
			this.body = body;
			this.sizes = sizes;
		}

		@Override
		public int read() {
			throw new UnsupportedOperationException("the stream reads into its buffer");
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.offset == this.body.length) {
				return -1;
			}
			int size = Math.max(1, this.sizes.applyAsInt(this.reads++));
			int count = Math.min(Math.min(size, length), this.body.length - this.offset);
			System.arraycopy(this.body, this.offset, buffer, offset, count);
			this.offset += count;
			count(count);
			return count;
		}

	}

	/** Nothing times out here, so the stream must never try to send the request again. */
	private static final class NoReopen implements DefaultChatCompletionStream.Reopener {

		@Override
		public ChatTransport.Opened reopen(LlmException failure) {
			throw new AssertionError("The stream tried to send the request again after " + failure);
		}

		@Override
		public void cancel() {
		}

		@Override
		public boolean cancelled() {
			return false;
		}

	}

}
