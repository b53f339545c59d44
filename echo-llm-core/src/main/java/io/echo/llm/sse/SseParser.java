package io.echo.llm.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Push parser for {@code text/event-stream} bytes that follows the WHATWG HTML "interpreting an event stream" rules
 * exactly: the events it dispatches are the ones a browser's {@code EventSource} would dispatch for the same bytes.
 * <p>
 * Feed the bytes as they arrive, split anywhere, then call {@link #finish()} (or {@link #finishAndDispatchPending()})
 * at the end of the stream: <pre class="code">
 * SseParser parser = new SseParser((event) -&gt; System.out.println(event.data()));
 * int n;
 * while ((n = in.read(buffer)) != -1) {
 * 	parser.feed(buffer, 0, n);
 * }
 * parser.finish();
 * </pre>
 * <ul>
 * <li>The bytes are UTF-8; one leading byte order mark is dropped; malformed bytes become U+FFFD, as the WHATWG
 * Encoding standard's decoder replaces them. A character or a CRLF may be split across {@code feed} calls.</li>
 * <li>CRLF, LF and a lone CR each end a line; a blank line dispatches the event built by the lines before it.</li>
 * <li>Lines starting with {@code :} are comments (servers send them as keep-alives; see {@link #commentCount()}).</li>
 * <li>{@code data} lines are joined with LF; {@code event} sets the type ({@code "message"} when none or empty);
 * {@code id} sets the last event ID, which persists across events, unless its value contains NUL; {@code retry} with
 * ASCII digits only sets the reconnection time ({@link #retry()}); other fields are ignored. A block without data
 * dispatches nothing.</li>
 * </ul>
 * Each byte is looked at once and each line decoded once, so the time is linear in the input whatever the split into
 * {@code feed} calls. One event, and one line, may hold at most {@code maxEventBytes} bytes: beyond that
 * {@code feed} throws {@link SseLimitExceededException} before buffering more, so memory stays bounded.
 * <p>
 * A parser is not thread-safe. Once it has thrown (the limit, or an exception from the sink), or once it is finished,
 * it is unusable: {@code feed} throws {@link IllegalStateException} and the finish methods do nothing.
 */
public final class SseParser {

	/** Default bound on one event (or one line), in bytes: 4 MiB. */
	public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

	// Below this capacity the buffers are kept between lines and events; above it they are dropped after use so that
	// one large event does not pin its memory for the rest of a long stream.
	private static final int RETAINED_CAPACITY = 64 * 1024;

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

	private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

	/** Eight bytes of an array as one little-endian long: the first byte is the lowest. */
	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private final Consumer<SseEvent> sink;

	private final int maxEventBytes;

	// Bytes of the current, still unterminated line, when it spans feed calls.
	private byte[] line = new byte[256];

	private int lineLength;

	// Raw bytes of the non-comment lines of the current block (since the last blank line), terminators excluded.
	private int blockBytes;

	private boolean afterCr;

	private boolean firstLine = true;

	/** The data buffer's lines; one line (by far the most common event) is kept as is, never copied. */
	private int dataLines;

	private String firstDataLine = "";

	/** The data buffer once a second line arrived: lines joined with LF, without a final one. */
	private StringBuilder data = new StringBuilder();

	private String eventType = "";

	private String lastEventIdBuffer = "";

	private String lastEventId = "";

	private long reconnectionTime = -1;

	private long commentCount;

	private boolean unusable;

	/**
	 * Create a parser with the {@linkplain #DEFAULT_MAX_EVENT_BYTES default limit} of 4 MiB per event.
	 * @param sink receives each dispatched event, on the thread that calls {@code feed} or {@code finish}
	 */
	public SseParser(Consumer<SseEvent> sink) {
		this(sink, DEFAULT_MAX_EVENT_BYTES);
	}

	/**
	 * Create a parser.
	 * @param sink receives each dispatched event, on the thread that calls {@code feed} or {@code finish}
	 * @param maxEventBytes the most bytes one event or one line may hold, counting the raw bytes of the block's
	 * non-comment lines without their terminators; must be positive
	 */
	public SseParser(Consumer<SseEvent> sink, int maxEventBytes) {
		this.sink = Objects.requireNonNull(sink, "sink");
		if (maxEventBytes <= 0) {
			throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
		}
		this.maxEventBytes = maxEventBytes;
	}

	/**
	 * Parse the next bytes of the stream, dispatching every event they complete to the sink before returning.
	 * @param buffer holds the bytes; not kept after the call
	 * @param offset index of the first byte
	 * @param length number of bytes; may be zero
	 * @throws SseLimitExceededException when an event or a line would exceed {@code maxEventBytes}; the parser is
	 * then unusable
	 * @throws IllegalStateException when the parser is finished or has failed before
	 */
	public void feed(byte[] buffer, int offset, int length) {
		Objects.requireNonNull(buffer, "buffer");
		Objects.checkFromIndexSize(offset, length, buffer.length);
		ensureUsable();
		try {
			parse(buffer, offset, offset + length);
		}
		catch (RuntimeException | Error ex) {
			this.unusable = true;
			releaseBuffers();
			throw ex;
		}
	}

	/**
	 * End the stream as the specification does: an event whose closing blank line never came is discarded, and so
	 * is an unterminated last line. Afterwards the parser is unusable; calling {@code finish} again does nothing.
	 * @see #finishAndDispatchPending()
	 */
	public void finish() {
		if (!this.unusable) {
			this.unusable = true;
			releaseBuffers();
		}
	}

	/**
	 * End the stream leniently: the unterminated last line, if any, is processed as a line and the pending event is
	 * dispatched as if the closing blank line had arrived. Some proxies cut that last blank line; a client that would
	 * rather see the final event than lose it calls this instead of {@link #finish()}. Afterwards the parser is
	 * unusable; calling either finish method again does nothing.
	 * @return whether an incomplete event was dispatched (false when the stream ended at an event boundary or the
	 * pending block had no data)
	 */
	public boolean finishAndDispatchPending() {
		if (this.unusable) {
			return false;
		}
		try {
			if (this.lineLength > 0) {
				processLine(this.line, 0, this.lineLength);
			}
			boolean pending = this.dataLines > 0;
			dispatch();
			return pending;
		}
		finally {
			this.unusable = true;
			releaseBuffers();
		}
	}

	/**
	 * Reconnection time the server asked for with the last valid {@code retry} field, in milliseconds. Values too
	 * large for a {@code long} read as {@link Long#MAX_VALUE}.
	 * @return the time, or empty when no valid {@code retry} field has been seen
	 */
	public OptionalLong retry() {
		return (this.reconnectionTime >= 0) ? OptionalLong.of(this.reconnectionTime) : OptionalLong.empty();
	}

	/**
	 * The stream's last event ID as of the last dispatch, what a client sends as {@code Last-Event-ID} when it
	 * reconnects.
	 * @return the ID; {@code ""} when never set (or set empty)
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Number of comment lines (starting with {@code :}) seen so far. Servers send comments as keep-alives; a client
	 * can compare the count before and after a {@code feed} to tell that one arrived.
	 * @return the count
	 */
	public long commentCount() {
		return this.commentCount;
	}

	private void ensureUsable() {
		if (this.unusable) {
			throw new IllegalStateException(
					"SseParser is finished or failed earlier; create a new parser for a new stream");
		}
	}

	private void parse(byte[] buffer, int start, int end) {
		int pos = start;
		if (this.afterCr && pos < end) {
			// The CR that ended the last call's final line may be the first half of a CRLF.
			this.afterCr = false;
			if (buffer[pos] == LF) {
				pos++;
			}
		}
		while (pos < end) {
			int eol = indexOfLineEnd(buffer, pos, end);
			if (eol < 0) {
				appendToLine(buffer, pos, end);
				return;
			}
			if (this.lineLength == 0) {
				checkLimit(buffer, pos, eol - pos);
				processLine(buffer, pos, eol - pos);
			}
			else {
				appendToLine(buffer, pos, eol);
				processLine(this.line, 0, this.lineLength);
				endBufferedLine();
			}
			pos = eol + 1;
			if (buffer[eol] == CR) {
				if (pos == end) {
					this.afterCr = true;
				}
				else if (buffer[pos] == LF) {
					pos++;
				}
			}
		}
	}

	/**
	 * The index of the first CR or LF in {@code buffer[from, to)}, or -1. Eight bytes at a time (a byte-by-byte scan
	 * was most of the parser's time on chunk-sized lines): a word has a CR or LF where the word XOR eight copies of
	 * it has a zero byte, and the lowest set bit of the zero-byte test marks the first one exactly.
	 */
	private static int indexOfLineEnd(byte[] buffer, int from, int to) {
		int i = from;
		for (; i <= to - Long.BYTES; i += Long.BYTES) {
			long word = (long) LONGS.get(buffer, i);
			long found = zeroBytes(word ^ LFS) | zeroBytes(word ^ CRS);
			if (found != 0) {
				return i + (Long.numberOfTrailingZeros(found) >>> 3);
			}
		}
		for (; i < to; i++) {
			byte b = buffer[i];
			if (b == LF || b == CR) {
				return i;
			}
		}
		return -1;
	}

	/** The high bit of each byte that is zero, and maybe of bytes above a zero one (never below the lowest). */
	private static long zeroBytes(long word) {
		return (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
	}

	private void appendToLine(byte[] buffer, int from, int to) {
		int count = to - from;
		if (count == 0) {
			return;
		}
		if (this.lineLength == 0) {
			checkLimit(buffer, from, count);
		}
		else {
			checkLimit(this.line, 0, this.lineLength + count);
		}
		int needed = this.lineLength + count;
		if (needed > this.line.length) {
			long doubled = 2L * this.line.length;
			byte[] grown = new byte[(int) Math.min(Math.max(doubled, needed), this.maxEventBytes)];
			System.arraycopy(this.line, 0, grown, 0, this.lineLength);
			this.line = grown;
		}
		System.arraycopy(buffer, from, this.line, this.lineLength, count);
		this.lineLength = needed;
	}

	/**
	 * Check that a line of {@code length} bytes starting with {@code bytes[start]} fits, alone and with the rest of
	 * its block. Comments count only against the line limit: they are not kept.
	 */
	private void checkLimit(byte[] bytes, int start, int length) {
		boolean comment = length > 0 && bytes[start] == ':';
		long total = comment ? length : (long) this.blockBytes + length;
		if (total > this.maxEventBytes) {
			throw new SseLimitExceededException(this.maxEventBytes);
		}
	}

	private void endBufferedLine() {
		this.lineLength = 0;
		if (this.line.length > RETAINED_CAPACITY) {
			this.line = new byte[256];
		}
	}

	private void processLine(byte[] bytes, int start, int length) {
		if (this.firstLine) {
			this.firstLine = false;
			if (length >= 3 && bytes[start] == (byte) 0xEF && bytes[start + 1] == (byte) 0xBB
					&& bytes[start + 2] == (byte) 0xBF) {
				start += 3;
				length -= 3;
			}
		}
		if (length == 0) {
			dispatch();
			return;
		}
		if (bytes[start] == ':') {
			this.commentCount++;
			return;
		}
		this.blockBytes += length;
		if (length >= 5 && bytes[start] == 'd' && bytes[start + 1] == 'a' && bytes[start + 2] == 't'
				&& bytes[start + 3] == 'a' && bytes[start + 4] == ':') {
			// Most lines are data lines: decode only the value. The ASCII prefix ends any UTF-8 sequence, so this
			// decodes the value exactly as decoding the whole line would.
			int valueStart = (length > 5 && bytes[start + 5] == ' ') ? start + 6 : start + 5;
			appendData(Utf8.decode(bytes, valueStart, start + length - valueStart));
			return;
		}
		processField(Utf8.decode(bytes, start, length));
	}

	private void appendData(String value) {
		if (this.dataLines == 0) {
			this.firstDataLine = value;
		}
		else {
			if (this.dataLines == 1) {
				this.data.append(this.firstDataLine);
			}
			this.data.append('\n').append(value);
		}
		this.dataLines++;
	}

	private void processField(String line) {
		int colon = line.indexOf(':');
		String field = (colon < 0) ? line : line.substring(0, colon);
		int valueStart = line.length();
		if (colon >= 0) {
			valueStart = (colon + 1 < line.length() && line.charAt(colon + 1) == ' ') ? colon + 2 : colon + 1;
		}
		switch (field) {
			case "data" -> appendData(line.substring(valueStart));
			case "event" -> this.eventType = line.substring(valueStart);
			case "id" -> {
				if (line.indexOf('\0', valueStart) < 0) {
					this.lastEventIdBuffer = line.substring(valueStart);
				}
			}
			case "retry" -> processRetry(line, valueStart);
			default -> {
				// The specification ignores unknown fields.
			}
		}
	}

	private void processRetry(String line, int valueStart) {
		if (valueStart == line.length()) {
			return;
		}
		long value = 0;
		for (int i = valueStart; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c < '0' || c > '9') {
				return;
			}
			int digit = c - '0';
			value = (value > (Long.MAX_VALUE - digit) / 10) ? Long.MAX_VALUE : value * 10 + digit;
		}
		this.reconnectionTime = value;
	}

	private void dispatch() {
		this.blockBytes = 0;
		this.lastEventId = this.lastEventIdBuffer;
		if (this.dataLines == 0) {
			this.eventType = "";
			return;
		}
		// The specification appends a LF to every data line and drops the last one: lines joined with LF.
		String eventData = (this.dataLines == 1) ? this.firstDataLine : this.data.toString();
		String type = this.eventType.isEmpty() ? SseEvent.DEFAULT_EVENT : this.eventType;
		this.eventType = "";
		this.dataLines = 0;
		this.firstDataLine = "";
		if (this.data.capacity() > RETAINED_CAPACITY) {
			this.data = new StringBuilder();
		}
		else {
			this.data.setLength(0);
		}
		this.sink.accept(new SseEvent(type, eventData, this.lastEventId));
	}

	private void releaseBuffers() {
		this.line = new byte[0];
		this.lineLength = 0;
		this.data = new StringBuilder(0);
		this.dataLines = 0;
		this.firstDataLine = "";
	}

}
