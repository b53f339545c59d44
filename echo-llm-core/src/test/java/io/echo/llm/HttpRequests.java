package io.echo.llm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads HTTP/1.1 requests off a raw socket for the tests' loopback providers, in every module (through core's test
 * jar): the head up to its blank line, then a body of {@code Content-Length} bytes.
 */
public final class HttpRequests {

	private HttpRequests() {
	}

	/**
	 * One request.
	 * @param head the request line and headers, with the blank line that ends them
	 * @param body the body as UTF-8
	 */
	public record Request(String head, String body) {

	}

	/**
	 * Reads one request.
	 * @return the request, or {@code null} when the connection ended (or, on a socket with a read timeout, stayed
	 * idle) before its first byte: a client that is done with a kept-alive connection
	 * @throws IOException when the connection ended in the middle of a request
	 */
	public static @Nullable Request read(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b;
			try {
				b = in.read();
			}
			catch (SocketTimeoutException ex) {
				if (head.size() == 0) {
					return null;
				}
				throw ex;
			}
			if (b < 0) {
				if (head.size() == 0) {
					return null;
				}
				throw new IOException("Connection closed before the request ended");
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		int length = 0;
		for (String line : text.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
			}
		}
		return new Request(text, new String(in.readNBytes(length), StandardCharsets.UTF_8));
	}

}
