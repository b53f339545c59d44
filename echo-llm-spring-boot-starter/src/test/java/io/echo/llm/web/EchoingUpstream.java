package io.echo.llm.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hostile provider on a raw loopback socket that echoes a secret back in its errors. The prompt says how:
 * {@code echo <where> <field> <spelling>}, where {@code where} is {@code status} (HTTP 401 with an OpenAI error
 * body), {@code event} (HTTP 200, a token, then {@code event: error}) or {@code data} (HTTP 200, a token, then
 * {@code data: {"error": ...}}); {@code field} is {@code code}, {@code message}, {@code type} or {@code param}; and
 * {@code spelling} is {@code raw} or {@code escaped} (every character a JSON unicode escape). Shared with the sample
 * app's tests through the starter's test jar.
 */
public final class EchoingUpstream implements AutoCloseable {

	/** The fields of an OpenAI error object. */
	public static final List<String> FIELDS = List.of("code", "message", "type", "param");

	private static final Pattern CASE = Pattern.compile("echo (status|event|data) (\\w+) (raw|escaped)");

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final String secret;

	public EchoingUpstream(String secret) throws IOException {
		this.secret = secret;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::accept);
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
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
			if (!matcher.find()) {
				throw new IllegalStateException("No case in " + request);
			}
			String spelt = matcher.group(3).equals("escaped") ? escape(this.secret) : this.secret;
			String error = errorObject(matcher.group(2), spelt);
			OutputStream out = socket.getOutputStream();
			String token = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
					+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
			String response = switch (matcher.group(1)) {
				case "status" -> "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
						+ ("{\"error\":" + error + "}").length() + "\r\nConnection: close\r\n\r\n{\"error\":" + error + "}";
				case "event" -> sse("data: " + token + "\n\nevent: error\ndata: {\"error\":" + error + "}\n\n");
				default -> sse("data: " + token + "\n\ndata: {\"error\":" + error + "}\n\n");
			};
			out.write(response.getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
		catch (IOException ex) {
			// The client went away: nothing more to serve.
		}
	}

	private static String sse(String body) {
		return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body;
	}

	/** OpenAI's error object with the secret in the given field, the other fields plain. */
	static String errorObject(String field, String secret) {
		String message = field.equals("message") ? "Incorrect API key provided: " + secret + "." : "Bad key";
		String type = field.equals("type") ? secret : "invalid_request_error";
		String param = field.equals("param") ? secret : "key";
		String code = field.equals("code") ? secret : "invalid_api_key";
		return "{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":\"" + param + "\",\"code\":\""
				+ code + "\"}";
	}

	static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		text.chars().forEach((c) -> escaped.append(String.format("\\u%04x", c)));
		return escaped.toString();
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
		String headers = head.toString(StandardCharsets.ISO_8859_1);
		int length = 0;
		for (String line : headers.split("\r\n")) {
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
