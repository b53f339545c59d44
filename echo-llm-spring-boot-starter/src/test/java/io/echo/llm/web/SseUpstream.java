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

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI-compatible upstream on loopback (JDK {@link HttpServer}) that answers {@code /v1/chat/completions} by the
 * prompt: {@code script} streams {@link #SCRIPT} then {@code [DONE]}; {@code endless} streams a token every 20 ms
 * until the connection is closed, and counts down {@link #closed()}; {@code rate-limit} answers HTTP 429.
 */
final class SseUpstream implements AutoCloseable {

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

	private final CountDownLatch closed = new CountDownLatch(1);

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

	/** Counted down when the client closed an {@code endless} stream. */
	CountDownLatch closed() {
		return this.closed;
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
			exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			OutputStream out = exchange.getResponseBody();
			if (body.contains("endless")) {
				streamUntilClosed(out);
				return;
			}
			for (String chunk : SCRIPT) {
				event(out, chunk);
			}
			event(out, "[DONE]");
		}
	}

	private void streamUntilClosed(OutputStream out) {
		try {
			for (int i = 0; i < 30_000; i++) {
				event(out, chunk("{\"content\":\"t" + i + " \"}", null));
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
