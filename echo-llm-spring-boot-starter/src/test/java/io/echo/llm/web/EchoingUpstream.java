package io.echo.llm.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
public final class EchoingUpstream extends OneShotUpstream {

	/** The fields of an OpenAI error object. */
	public static final List<String> FIELDS = List.of("code", "message", "type", "param");

	private static final Pattern CASE = Pattern.compile("echo (status|event|data) (\\w+) (raw|escaped)");

	private final String secret;

	public EchoingUpstream(String secret) throws IOException {
		this.secret = secret;
	}

	@Override
	protected void respond(String request, OutputStream out) throws IOException {
		Matcher matcher = CASE.matcher(request);
		if (!matcher.find()) {
			throw new IllegalStateException("No case in " + request);
		}
		String spelt = matcher.group(3).equals("escaped") ? escape(this.secret) : this.secret;
		String error = errorObject(matcher.group(2), spelt);
		String token = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
		String response = switch (matcher.group(1)) {
			case "status" -> "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
					+ ("{\"error\":" + error + "}").length() + "\r\nConnection: close\r\n\r\n{\"error\":" + error + "}";
			case "event" -> sse("data: " + token + "\n\nevent: error\ndata: {\"error\":" + error + "}\n\n");
			default -> sse("data: " + token + "\n\ndata: {\"error\":" + error + "}\n\n");
		};
		out.write(response.getBytes(StandardCharsets.UTF_8));
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

}
