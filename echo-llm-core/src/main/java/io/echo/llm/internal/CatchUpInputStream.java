package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A socket's input stream that reads in large blocks only while the reader is behind. Apache's connection buffers
 * 8 KiB ({@link QuietConnection#HTTP1}) so that thousands of open streams, each waiting for its next token, hold
 * little memory; but a reader that is behind (a burst, a backlog after a pause) then pays a system call per 8 KiB, two
 * per 16 KiB HTTP chunk: about a tenth of its CPU per chunk on a fast loopback stream. Once two reads in a row came
 * back full, this stream reads {@value #BLOCK} bytes at a time into a buffer of its own, and drops that buffer as soon
 * as a read comes back less than half full (the reader caught up). A stream that waits for its tokens never allocates
 * it.
 * <p>
 * Reads block only when nothing is buffered, as the socket's do. Threads: read by the connection's one reading
 * thread; {@link #close()} (an abort) may come from any other and only closes the socket, so that a blocked read
 * fails, without touching the buffer.
 */
final class CatchUpInputStream extends InputStream {

	static final int BLOCK = 64 * 1024;

	private static final byte[] NONE = new byte[0];

	/** Full reads in a row after which the stream reads in blocks. */
	private static final int FULL_READS = 2;

	private final InputStream in;

	private byte[] block = NONE;

	private int position;

	private int limit;

	private int fullReads;

	CatchUpInputStream(InputStream in) {
		this.in = in;
	}

	@Override
	public int read() throws IOException {
		if (this.position < this.limit) {
			return this.block[this.position++] & 0xFF;
		}
		return this.in.read();
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		Objects.checkFromIndexSize(offset, length, buffer.length);
		if (length == 0) {
			return 0;
		}
		if (this.position < this.limit) {
			int count = Math.min(length, this.limit - this.position);
			System.arraycopy(this.block, this.position, buffer, offset, count);
			this.position += count;
			if (this.position == this.limit && this.fullReads < FULL_READS) {
				// Caught up and emptied: a stream that waits for its tokens holds no block.
				this.block = NONE;
			}
			return count;
		}
		if (this.fullReads < FULL_READS || length >= BLOCK) {
			int read = this.in.read(buffer, offset, length);
			this.fullReads = (read == length) ? this.fullReads + 1 : 0;
			return read;
		}
		return readBlock(buffer, offset, length);
	}

	private int readBlock(byte[] buffer, int offset, int length) throws IOException {
		if (this.block == NONE) {
			this.block = new byte[BLOCK];
		}
		int read;
		try {
			read = this.in.read(this.block, 0, BLOCK);
		}
		catch (IOException ex) {
			// A timeout (Apache's stale check on a pooled connection reads with 1 ms) or a closed socket: a
			// connection that waits in the pool holds no block either.
			this.block = NONE;
			this.fullReads = 0;
			throw ex;
		}
		if (read <= 0) {
			this.block = NONE;
			this.fullReads = 0;
			return read;
		}
		int count = Math.min(length, read);
		System.arraycopy(this.block, 0, buffer, offset, count);
		this.position = count;
		this.limit = read;
		if (read < BLOCK / 2) {
			// Caught up: once the block is emptied it is dropped and reads go straight to the socket again.
			this.fullReads = 0;
		}
		if (count == read && this.fullReads < FULL_READS) {
			this.block = NONE;
		}
		return count;
	}

	@Override
	public int available() throws IOException {
		return (this.limit - this.position) + this.in.available();
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
