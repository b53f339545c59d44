package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

/**
 * Apache's connection without its request logs. At DEBUG Apache logs every request header under
 * {@code org.apache.hc.client5.http.headers} and every byte sent under {@code org.apache.hc.client5.http.wire}: the
 * {@code Authorization} header with the API key, and the prompt. This connection writes neither; the rest of Apache's
 * logging (connections, routes, response headers) stays.
 */
final class QuietConnection extends DefaultManagedHttpClientConnection {

	/** Creates these connections, as Apache's default factory creates its own. */
	static final HttpConnectionFactory<ManagedHttpClientConnection> FACTORY = new Factory();

	/**
	 * Buffers of 8 KiB, as Tomcat's and the engine's own: HttpCore's default is 32 KiB, and a connection keeps three
	 * (input, line, output) for as long as it is open, which for a stream is its whole length: 96 KiB of heap per
	 * open stream, two fifths of a relay's, for events of a few hundred bytes. A longer line still fits: the line
	 * buffer grows. A header line may be up to 64 KiB (HttpCore's default limit is 8 KiB, where the JDK client and
	 * browsers take far longer ones: a provider's or proxy's long header made the call fail).
	 */
	static final Http1Config HTTP1 = Http1Config.custom().setBufferSize(8 * 1024).setMaxLineLength(64 * 1024).build();

	private QuietConnection(String id) {
		// Null: Apache's defaults (ASCII head codecs, content-length strategies, message writer and parser).
		super(id, null, null, HTTP1, null, null, null, null);
	}

	@Override
	public void bind(Socket socket) throws IOException {
		bind(new CatchingUp(socket));
	}

	@Override
	public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
		bind(new CatchingUp(sslSocket, socket));
	}

	@Override
	protected void onRequestSubmitted(ClassicHttpRequest request) {
		// Not logged: the headers carry the API key.
	}

	/** The socket, read through a {@link CatchUpInputStream}: large reads while the reader is behind. */
	private static final class CatchingUp extends SocketHolder {

		CatchingUp(Socket socket) {
			super(socket);
		}

		CatchingUp(SSLSocket sslSocket, Socket socket) {
			super(sslSocket, socket);
		}

		@Override
		protected InputStream getInputStream(Socket socket) throws IOException {
			return new CatchUpInputStream(super.getInputStream(socket));
		}

	}

	private static final class Factory implements HttpConnectionFactory<ManagedHttpClientConnection> {

		private static final AtomicLong COUNTER = new AtomicLong();

		@Override
		public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
			QuietConnection connection = new QuietConnection("echo-llm-" + COUNTER.getAndIncrement());
			if (socket != null) {
				connection.bind(socket);
			}
			return connection;
		}

	}

}
