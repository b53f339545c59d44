package io.echo.llm.benchmarks.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one HTTP/1.1 response carrying a relayed stream, in whatever pieces the socket hands over: the status line and
 * headers, a chunked or plain body, and in it the SSE lines. It finds in each {@code data:} line the stamp
 * {@code "<seq>:<nanoTime>"} that {@link DripServer} put in the token's text, whether the relay forwards it in
 * OpenAI format ({@code "content":"..."}) or in browser format ({@code "text":"..."}). Byte scanning, no JSON tree and
 * no strings per token: thousands of streams share one driver thread.
 */
final class ResponseReader {

	private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TEXT = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DONE_EVENT = "event: done".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ERROR_EVENT = "event: error".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ERROR_FIELD = "\"error\":{".getBytes(StandardCharsets.US_ASCII);

	private enum State {

		HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, PLAIN_BODY, FINISHED

	}

	private State state = State.HEAD;

	private byte[] line = new byte[512];

	private int lineLength;

	private byte[] sseLine = new byte[512];

	private int sseLineLength;

	private int status;

	private boolean chunked;

	private long chunkRemaining;

	private boolean done;

	private boolean error;

	/** The response status, or 0 before the status line. */
	int status() {
		return this.status;
	}

	/** Whether the stream's end ({@code [DONE]} or a {@code done} event) arrived. */
	boolean done() {
		return this.done;
	}

	/** Whether an error event or an error chunk arrived. */
	boolean error() {
		return this.error;
	}

	void feed(byte[] bytes, int offset, int length, TokenListener tokens) {
		int i = offset;
		int end = offset + length;
		while (i < end && this.state != State.FINISHED) {
			switch (this.state) {
				case HEAD, CHUNK_SIZE, CHUNK_END -> {
					byte b = bytes[i++];
					if (b == '\n') {
						protocolLine(tokens);
						this.lineLength = 0;
					}
					else if (b != '\r') {
						this.line = append(this.line, this.lineLength++, b);
					}
				}
				case CHUNK_DATA -> {
					int n = (int) Math.min(this.chunkRemaining, end - i);
					body(bytes, i, n, tokens);
					i += n;
					this.chunkRemaining -= n;
					if (this.chunkRemaining == 0) {
						this.state = State.CHUNK_END;
					}
				}
				case PLAIN_BODY -> {
					body(bytes, i, end - i, tokens);
					i = end;
				}
				default -> throw new IllegalStateException(this.state.name());
			}
		}
	}

	private void protocolLine(TokenListener tokens) {
		String text = new String(this.line, 0, this.lineLength, StandardCharsets.ISO_8859_1);
		switch (this.state) {
			case HEAD -> {
				if (this.status == 0) {
					this.status = Integer.parseInt(text.substring(9, 12));
				}
				else if (text.isEmpty()) {
					this.state = this.chunked ? State.CHUNK_SIZE : State.PLAIN_BODY;
				}
				else if (text.regionMatches(true, 0, "transfer-encoding:", 0, 18) && text.contains("chunked")) {
					this.chunked = true;
				}
			}
			case CHUNK_SIZE -> {
				int semicolon = text.indexOf(';');
				this.chunkRemaining = Long.parseLong((semicolon < 0) ? text.trim() : text.substring(0, semicolon).trim(),
						16);
				this.state = (this.chunkRemaining == 0) ? State.FINISHED : State.CHUNK_DATA;
			}
			case CHUNK_END -> this.state = State.CHUNK_SIZE;
			default -> throw new IllegalStateException(this.state.name());
		}
	}

	private void body(byte[] bytes, int offset, int length, TokenListener tokens) {
		for (int i = offset; i < offset + length; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				sseLine(tokens);
				this.sseLineLength = 0;
			}
			else if (b != '\r') {
				this.sseLine = append(this.sseLine, this.sseLineLength++, b);
			}
		}
	}

	private void sseLine(TokenListener tokens) {
		if (startsWith(DONE) || startsWith(DONE_EVENT)) {
			this.done = true;
			return;
		}
		if (startsWith(ERROR_EVENT) || indexOf(ERROR_FIELD) >= 0) {
			this.error = true;
			return;
		}
		int at = valueStart(CONTENT);
		if (at < 0) {
			at = valueStart(TEXT);
		}
		if (at < 0) {
			return;
		}
		long seq = 0;
		while (at < this.sseLineLength && isDigit(this.sseLine[at])) {
			seq = seq * 10 + (this.sseLine[at++] - '0');
		}
		if (at >= this.sseLineLength || this.sseLine[at++] != ':') {
			return;
		}
		long stamp = 0;
		while (at < this.sseLineLength && isDigit(this.sseLine[at])) {
			stamp = stamp * 10 + (this.sseLine[at++] - '0');
		}
		if (at < this.sseLineLength && this.sseLine[at] == '"') {
			tokens.token((int) seq, stamp);
		}
	}

	private int valueStart(byte[] key) {
		int at = indexOf(key);
		return (at < 0) ? -1 : at + key.length;
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	private boolean startsWith(byte[] prefix) {
		return this.sseLineLength >= prefix.length
				&& Arrays.equals(this.sseLine, 0, prefix.length, prefix, 0, prefix.length);
	}

	private int indexOf(byte[] needle) {
		outer: for (int i = 0; i <= this.sseLineLength - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (this.sseLine[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static byte[] append(byte[] buffer, int at, byte b) {
		byte[] target = (at < buffer.length) ? buffer : Arrays.copyOf(buffer, buffer.length * 2);
		target[at] = b;
		return target;
	}

	/** Receives the stamp of each relayed token. */
	@FunctionalInterface
	interface TokenListener {

		void token(int seq, long stamp);

	}

}
