package io.echo.llm.internal;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A reader that is behind reads the socket in large blocks (a few system calls per megabyte instead of one per
 * 8 KiB); one that keeps up reads straight from the socket as before; either way it gets every byte in order, and a
 * close from another thread fails a blocked read. Over a real loopback socket.
 */
class CatchUpInputStreamTests {

	private ServerSocket server;

	private Socket client;

	private Socket accepted;

	@BeforeEach
	void connect() throws IOException {
		this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		this.client = new Socket(InetAddress.getLoopbackAddress(), this.server.getLocalPort());
		this.accepted = this.server.accept();
	}

	@AfterEach
	void close() throws IOException {
		this.client.close();
		this.accepted.close();
		this.server.close();
	}

	@Test
	void aReaderBehindReadsTheSocketInBlocksAndGetsEveryByte() throws Exception {
		// Small enough for the socket buffers to hold all of it: the reader then starts behind by the whole body.
		byte[] body = new byte[256 * 1024];
		new Random(7).nextBytes(body);
		CompletableFuture.runAsync(() -> write(body)).get(10, TimeUnit.SECONDS);
		CountingStream socket = new CountingStream(this.client.getInputStream());

		byte[] read = readAll(new CatchUpInputStream(socket), 8 * 1024);

		assertThat(read).isEqualTo(body);
		// 33 reads of 8 KiB straight from the socket; two full ones, then blocks of 64 KiB and the end: about 8.
		assertThat(socket.reads).isLessThan(16);
	}

	@Test
	void aLongBodyReadBehindArrivesWholeAndInOrder() throws Exception {
		byte[] body = new byte[4 * 1024 * 1024];
		new Random(11).nextBytes(body);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(body));

		byte[] read = readAll(new CatchUpInputStream(this.client.getInputStream()), 8 * 1024);

		writer.get(30, TimeUnit.SECONDS);
		assertThat(read).isEqualTo(body);
	}

	@Test
	void aReaderThatKeepsUpReadsStraightFromTheSocket() throws Exception {
		OutputStream out = this.accepted.getOutputStream();
		CountingStream socket = new CountingStream(this.client.getInputStream());
		CatchUpInputStream stream = new CatchUpInputStream(socket);
		byte[] buffer = new byte[8 * 1024];
		for (int i = 0; i < 20; i++) {
			byte[] event = ("data: {\"n\":" + i + "}\n\n").getBytes();
			out.write(event);
			out.flush();
			int read = stream.read(buffer, 0, buffer.length);
			assertThat(new String(buffer, 0, read)).isEqualTo(new String(event));
		}
		assertThat(socket.reads).isEqualTo(20);
	}

	@Test
	void aReadThatTimesOutInBlocksLeavesTheStreamReadable() throws Exception {
		byte[] body = new byte[128 * 1024];
		new Random(3).nextBytes(body);
		OutputStream out = this.accepted.getOutputStream();
		out.write(body);
		out.flush();
		CatchUpInputStream stream = new CatchUpInputStream(this.client.getInputStream());
		byte[] read = new byte[body.length];
		int total = 0;
		while (total < body.length) {
			total += stream.read(read, total, Math.min(8 * 1024, body.length - total));
		}
		assertThat(read).isEqualTo(body);
		this.client.setSoTimeout(50);

		// Nothing more was sent: the read waits, as Apache's stale check on a pooled connection does, and times out.
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> stream.read(new byte[8192], 0, 8192));

		out.write("data: after\n\n".getBytes());
		out.flush();
		byte[] after = new byte[8192];
		int count = stream.read(after, 0, after.length);
		assertThat(new String(after, 0, count)).isEqualTo("data: after\n\n");
	}

	@Test
	void aCloseFromAnotherThreadFailsABlockedRead() throws Exception {
		CatchUpInputStream stream = new CatchUpInputStream(this.client.getInputStream());
		CountDownLatch reading = new CountDownLatch(1);
		CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
			reading.countDown();
			try {
				return stream.read(new byte[8192], 0, 8192);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

		stream.close();

		assertThatExceptionOfType(Exception.class).isThrownBy(() -> read.get(10, TimeUnit.SECONDS));
	}

	private void write(byte[] body) {
		try {
			OutputStream out = this.accepted.getOutputStream();
			out.write(body);
			out.flush();
			this.accepted.shutdownOutput();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] readAll(InputStream in, int size) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		byte[] buffer = new byte[size];
		int read;
		while ((read = in.read(buffer, 0, buffer.length)) >= 0) {
			all.write(buffer, 0, read);
		}
		return all.toByteArray();
	}

	/** Counts the reads that reach the socket. */
	private static final class CountingStream extends FilterInputStream {

		private int reads;

		CountingStream(InputStream in) {
			super(in);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			this.reads++;
			return super.read(buffer, offset, length);
		}

	}

}
