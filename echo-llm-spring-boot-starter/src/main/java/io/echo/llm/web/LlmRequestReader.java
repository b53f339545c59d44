package io.echo.llm.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads the body of a request to a relay endpoint, never more than a bound ({@code echo.llm.relay.max-request-size},
 * auto-configured): a body that announces a larger {@code Content-Length} is refused before a byte of it is read, and
 * a body without one (chunked) is cut off as soon as it passes the bound. Spring MVC's {@code @RequestBody} has no
 * such bound, so a 20 MB prompt would be held in memory and sent to a paid provider.
 *
 * <pre>{@code
 * @PostMapping("/api/chat")
 * SseEmitter chat(HttpServletRequest http) throws IOException {
 *     ChatCompletionRequest request = ChatJson.mapper().readValue(this.reader.read(http), ChatCompletionRequest.class);
 *     return this.relay.relay(request, RelayFormat.BROWSER);
 * }
 * }</pre>
 */
public final class LlmRequestReader {

	private static final int BUFFER = 8192;

	private final long maxBytes;

	/**
	 * Creates a reader.
	 * @param maxBytes largest body it reads, at least 1
	 */
	public LlmRequestReader(long maxBytes) {
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be at least 1");
		}
		this.maxBytes = maxBytes;
	}

	/** Returns the largest body this reader reads, in bytes. */
	public long maxBytes() {
		return this.maxBytes;
	}

	/**
	 * Reads the whole body of the request.
	 * @param request the request
	 * @return the body, empty when there is none
	 * @throws LlmRequestTooLargeException when the body is larger than {@link #maxBytes()}
	 * @throws IOException when the client fails to send it
	 */
	public byte[] read(HttpServletRequest request) throws IOException {
		Objects.requireNonNull(request, "request");
		long announced = request.getContentLengthLong();
		if (announced > this.maxBytes) {
			throw new LlmRequestTooLargeException(this.maxBytes);
		}
		return read(request.getInputStream(), (announced > 0) ? (int) announced : BUFFER);
	}

	/**
	 * Reads a body stream to its end.
	 * @param body the body
	 * @param expected how many bytes to make room for first
	 * @return the body
	 * @throws LlmRequestTooLargeException when the body is larger than {@link #maxBytes()}
	 * @throws IOException when the stream fails
	 */
	byte[] read(InputStream body, int expected) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(expected);
		byte[] buffer = new byte[BUFFER];
		long total = 0;
		for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
			total += n;
			if (total > this.maxBytes) {
				throw new LlmRequestTooLargeException(this.maxBytes);
			}
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

}
