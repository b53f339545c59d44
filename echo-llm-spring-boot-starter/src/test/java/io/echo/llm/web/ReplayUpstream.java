package io.echo.llm.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider on a raw loopback socket that answers with a recorded event-stream body, byte for byte: the prompt
 * {@code replay NAME} picks the body registered under {@code NAME} with {@link #body}. The connection closes after
 * the body, as the recorded stream ended.
 */
final class ReplayUpstream implements AutoCloseable {

	private static final Pattern CASE = Pattern.compile("replay ([\\w.-]+)");

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

	ReplayUpstream() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::accept);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
	}

	/** Registers the body answered to the prompt {@code replay NAME}. */
	ReplayUpstream body(String name, byte[] body) {
		this.bodies.put(name, body.clone());
		return this;
	}

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
			String request = readRequest(socket.getInputStream());
			Matcher matcher = CASE.matcher(request);
			byte[] body = matcher.find() ? this.bodies.get(matcher.group(1)) : null;
			if (body == null) {
				throw new IllegalStateException("No body registered for " + request);
			}
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
		}
		catch (IOException ex) {
			// The client went away: nothing more to serve.
		}
	}

	private static String readRequest(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed before the request ended");
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		int length = 0;
		for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
			}
		}
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		this.executor.shutdownNow();
	}

}
