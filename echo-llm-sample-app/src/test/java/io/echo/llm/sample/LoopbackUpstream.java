package io.echo.llm.sample;

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
 * An OpenAI-compatible provider on loopback (JDK {@link HttpServer}) that answers by the prompt: {@code endless}
 * streams a token every 20 ms until the client closes the connection (then counts down {@link #closed()});
 * {@code limit} answers HTTP 429 with a message that echoes a key, as some providers do; anything else streams
 * "Hello from upstream" (or answers it as one completion when the request does not stream), then, as OpenAI does only
 * when the request asked with {@code stream_options.include_usage}, a usage chunk with no choices
 * ({@link #USAGE_CHUNK}). Built with {@code rejectStreamOptions}, it answers 400 to any request with
 * {@code stream_options}, as some OpenAI-compatible servers do.
 */
final class LoopbackUpstream implements AutoCloseable {

	/** What the provider's 429 message echoes; it must never reach the sample's clients. */
	static final String ECHOED_SECRET = "sk-upstream-secret-echo";

	static final String API_KEY = "sk-sample-test-key";

	/** The usage-only chunk, sent only to requests with {@code stream_options.include_usage}. */
	static final String USAGE_CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
			+ "\"model\":\"up-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":3,"
			+ "\"total_tokens\":6}}";

	private final boolean rejectStreamOptions;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final List<Headers> requestHeaders = new CopyOnWriteArrayList<>();

	private final List<String> requestBodies = new CopyOnWriteArrayList<>();

	private final CountDownLatch closed = new CountDownLatch(1);

	LoopbackUpstream() throws IOException {
		this(false);
	}

	LoopbackUpstream(boolean rejectStreamOptions) throws IOException {
		this.rejectStreamOptions = rejectStreamOptions;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/v1/chat/completions", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	List<Headers> requestHeaders() {
		return this.requestHeaders;
	}

	List<String> requestBodies() {
		return this.requestBodies;
	}

	/** Counted down when a client closed an {@code endless} stream. */
	CountDownLatch closed() {
		return this.closed;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		this.requestHeaders.add(exchange.getRequestHeaders());
		this.requestBodies.add(body);
		try (exchange) {
			if (this.rejectStreamOptions && body.contains("stream_options")) {
				respond(exchange, 400, "application/json", "{\"error\":{\"message\":\"Unrecognized request argument "
						+ "supplied: stream_options\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
			}
			else if (body.contains("limit")) {
				exchange.getResponseHeaders().set("Retry-After", "7");
				respond(exchange, 429, "application/json", "{\"error\":{\"message\":\"Rate limit reached for key "
						+ ECHOED_SECRET + "\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
			}
			else if (!body.contains("\"stream\":true")) {
				respond(exchange, 200, "application/json", "{\"id\":\"c1\",\"object\":\"chat.completion\","
						+ "\"created\":1,\"model\":\"up-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
						+ "\"assistant\",\"content\":\"Hello from upstream\"},\"finish_reason\":\"stop\"}],"
						+ "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}");
			}
			else {
				stream(exchange, body.contains("endless"), body.replace(" ", "").contains("\"include_usage\":true"));
			}
		}
	}

	private void stream(HttpExchange exchange, boolean endless, boolean usage) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
		exchange.sendResponseHeaders(200, 0);
		OutputStream out = exchange.getResponseBody();
		try {
			if (endless) {
				// Paced so that the client's close is what ends it; the latch doubles as the pause.
				for (int i = 0; !this.closed.await(20, TimeUnit.MILLISECONDS); i++) {
					send(out, content("tick" + i + " "));
				}
				return;
			}
			for (String piece : List.of("Hello", " from", " upstream")) {
				send(out, content(piece));
			}
			send(out, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up-model\","
					+ "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
			if (usage) {
				send(out, "data: " + USAGE_CHUNK + "\n\n");
			}
			send(out, "data: [DONE]\n\n");
		}
		catch (IOException ex) {
			this.closed.countDown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String content(String text) {
		return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up-model\","
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
	}

	private static void send(OutputStream out, String event) throws IOException {
		out.write(event.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public void close() {
		this.closed.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
