package io.echo.llm.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI-compatible upstream on loopback (JDK {@link HttpServer}) that answers {@code /v1/chat/completions} by the
 * prompt: {@code script} streams {@link #SCRIPT} then {@code [DONE]}; {@code endless} streams a token every 20 ms
 * until the connection is closed, and counts down {@link #closed()}; {@code stall} sends one token, then only SSE
 * comments (which the client does not pass on) until the connection is closed, and counts down {@link #closed()};
 * {@code fail-midway} streams two tokens then an error object; {@code rate-limit} answers HTTP 429; {@code retry-later} answers HTTP 503 with {@code Retry-After: 5};
 * {@code complete-me} answers a whole chat completion as JSON, with {@link #COMPLETION_USAGE}.
 */
final class SseUpstream implements AutoCloseable {

	/** Token usage of the {@code complete-me} response: 5 prompt and 7 completion tokens. */
	static final String COMPLETION_USAGE = "{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}";

	/** Upstream API key the provider's 429 message echoes, as some providers do. */
	static final String ECHOED_SECRET = "sk-echoed-in-provider-message";

	/** Chunks of the {@code script} prompt: reasoning, text, a tool call in two deltas, finish, usage. */
	static final List<String> SCRIPT = List.of(
			chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
			chunk("{\"reasoning_content\":\"Think\"}", null),
			chunk("{\"content\":\"Hel\"}", null),
			chunk("{\"content\":\"lo \\u00e9\"}", null),
			chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
					+ "\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}}]}", null),
			chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"UTC\\\"}\"}}]}", null),
			chunk("{}", "tool_calls"),
			"{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
					+ "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}");

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final List<Headers> requestHeaders = new CopyOnWriteArrayList<>();

	private final List<String> requestBodies = new CopyOnWriteArrayList<>();

	private volatile CountDownLatch closed = new CountDownLatch(1);

	SseUpstream() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/v1/chat/completions", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	List<Headers> requestHeaders() {
		return this.requestHeaders;
	}

	List<String> requestBodies() {
		return this.requestBodies;
	}

	/** Counted down when the client closed an {@code endless} or {@code stall} stream since the last reset. */
	CountDownLatch closed() {
		return this.closed;
	}

	/** Starts watching for a new close. */
	void resetClosed() {
		this.closed = new CountDownLatch(1);
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		this.requestHeaders.add(exchange.getRequestHeaders());
		this.requestBodies.add(body);
		try (exchange) {
			if (body.contains("rate-limit")) {
				byte[] error = ("{\"error\":{\"message\":\"Rate limit reached for key " + ECHOED_SECRET
						+ "\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(429, error.length);
				exchange.getResponseBody().write(error);
				return;
			}
			if (body.contains("complete-me")) {
				byte[] completion = ("{\"id\":\"r1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
						+ "\"message\":{\"role\":\"assistant\",\"content\":\"Done\"},\"finish_reason\":\"stop\"}],"
						+ "\"usage\":" + COMPLETION_USAGE + "}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, completion.length);
				exchange.getResponseBody().write(completion);
				return;
			}
			if (body.contains("retry-later")) {
				exchange.getResponseHeaders().set("Retry-After", "5");
				exchange.sendResponseHeaders(503, -1);
				return;
			}
			exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			OutputStream out = exchange.getResponseBody();
			if (body.contains("endless")) {
				streamUntilClosed(out, (i) -> "data: " + chunk("{\"content\":\"t" + i + " \"}", null));
				return;
			}
			if (body.contains("fail-midway")) {
				event(out, chunk("{\"content\":\"Hel\"}", null));
				event(out, chunk("{\"content\":\"lo\"}", null));
				event(out, "{\"error\":{\"message\":\"Overloaded, key " + ECHOED_SECRET
						+ "\",\"type\":\"server_error\",\"code\":\"overloaded\"}}");
				return;
			}
			if (body.contains("stall")) {
				event(out, chunk("{\"content\":\"first\"}", null));
				streamUntilClosed(out, (i) -> ": still here " + i);
				return;
			}
			for (String chunk : SCRIPT) {
				event(out, chunk);
			}
			event(out, "[DONE]");
		}
	}

	// Writing is how a server notices that the client closed: the write after the close fails.
	private void streamUntilClosed(OutputStream out, IntFunction<String> line) {
		try {
			for (int i = 0; i < 30_000; i++) {
				out.write((line.apply(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
				TimeUnit.MILLISECONDS.sleep(20);
			}
		}
		catch (IOException ex) {
			this.closed.countDown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void event(OutputStream out, String data) throws IOException {
		out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private static String chunk(String delta, String finishReason) {
		return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{"
				+ "\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
				+ ((finishReason != null) ? "\"" + finishReason + "\"" : "null") + "}]}";
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
