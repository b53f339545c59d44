package io.echo.llm.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider on a raw loopback socket that answers with a recorded event-stream body, byte for byte: the prompt
 * {@code replay NAME} picks the body registered under {@code NAME} with {@link #body}. The connection closes after
 * the body, as the recorded stream ended.
 */
final class ReplayUpstream extends OneShotUpstream {

	private static final Pattern CASE = Pattern.compile("replay ([\\w.-]+)");

	private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

	ReplayUpstream() throws IOException {
	}

	/** Registers the body answered to the prompt {@code replay NAME}. */
	ReplayUpstream body(String name, byte[] body) {
		this.bodies.put(name, body.clone());
		return this;
	}

	@Override
	protected void respond(String request, OutputStream out) throws IOException {
		Matcher matcher = CASE.matcher(request);
		byte[] body = matcher.find() ? this.bodies.get(matcher.group(1)) : null;
		if (body == null) {
			throw new IllegalStateException("No body registered for " + request);
		}
		out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.write(body);
	}

}
