package io.echo.llm.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.echo.llm.HttpRequests;

/**
 * A provider on a raw loopback socket that reads one request per connection and writes one whole response, then
 * closes: what a test needs to control bytes exactly. Subclasses say what each request body gets.
 */
public abstract class OneShotUpstream implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	protected OneShotUpstream() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::accept);
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
	}

	/** Writes the whole response (status line, headers, body) to a request with this body. */
	protected abstract void respond(String requestBody, OutputStream out) throws IOException;

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.executor.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			HttpRequests.Request request = HttpRequests.read(socket.getInputStream());
			if (request == null) {
				return;
			}
			OutputStream out = socket.getOutputStream();
			respond(request.body(), out);
			out.flush();
		}
		catch (IOException ex) {
			// The client went away: nothing more to serve.
		}
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		this.executor.shutdownNow();
	}

}
