package io.echo.llm.sample;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.echo.llm.sample.JsonAssertions.chat;
import static io.echo.llm.sample.JsonAssertions.json;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relays' edges as an OpenAI client and a hostile provider see them: real Tomcat, real HTTP clients (the JDK's, and
 * raw sockets where the bytes or the moment of a close matter), a provider on a raw loopback socket. Default retry
 * settings, so that a further attempt after a cancel would show up as a second connection.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "echo.llm.relay.max-request-size=1MB")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiRelayEdgesTests {

	private static final RawUpstream upstream = start();

	private static final int LIMIT = 1024 * 1024;

	// The issue allows a second between the client leaving and the upstream connection closing.
	private static final Duration CANCELLED_WITHIN = Duration.ofSeconds(1);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("echo.llm.base-url", upstream::baseUrl);
		registry.add("echo.llm.api-key", () -> "sk-edge-test-key");
	}

	private static RawUpstream start() {
		try {
			return new RawUpstream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopUpstream() throws IOException {
		upstream.close();
	}

	@ParameterizedTest(name = "stream {0}")
	@ValueSource(booleans = { true, false })
	void upstreamRedirectIsA502WithAnOpenAiErrorAndNoLocation(boolean stream) throws Exception {
		upstream.answer(RawUpstream.Answer.REDIRECT);
		// A first call opens the engine's connection pool; a cold one may take longer than the relay waits for a status.
		post("/v1/chat/completions", "application/json", openAi("warm up", false));
		HttpResponse<String> response = post("/v1/chat/completions", "application/json", openAi("hi", stream));

		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(response.headers().firstValue("Location")).isEmpty();
		assertOpenAiError(response.body(), "api_error");
		assertThat(response.body()).doesNotContain(RawUpstream.REDIRECT_LOCATION);
	}

	@Test
	void upstreamRedirectIsA502ErrorEventOnThePageStream() throws Exception {
		upstream.answer(RawUpstream.Answer.REDIRECT);
		SseClient.Answer answer = new SseClient(this.port).post("/api/chat", chat("hi"));

		assertThat(answer.names()).endsWith("error");
		assertThat(json(answer.named("error").get(0).data()).get("status").asInt()).isEqualTo(502);
	}

	@ParameterizedTest(name = "{0} {1} as {2}: {4}")
	@CsvSource(delimiter = '|', value = {
			"POST | /v1/chat/completions | text/plain       | hello                         | 415",
			"POST | /v1/chat/completions | application/json |                               | 400",
			"POST | /v1/chat/completions | application/json | {\"messages\": [              | 400",
			"POST | /v1/chat/completions | application/json | []                            | 400",
			"GET  | /v1/chat/completions |                  |                               | 405",
			"PUT  | /v1/chat/completions | application/json | {}                            | 405",
			"POST | /v1/nope             | application/json | {}                            | 404",
			"GET  | /v1/models           |                  |                               | 404" })
	void everyErrorUnderV1IsAnOpenAiErrorObject(String method, String path, String contentType, String body,
			int status) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		request.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody());
		HttpResponse<String> response = this.http.send(request.build(), BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		assertOpenAiError(response.body(), "invalid_request_error");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/v1/chat/completions", "/api/chat" })
	void bodyAnnouncedLargerThanTheLimitIsRefusedWith413BeforeItIsSent(String path) throws Exception {
		// 20 MB announced, a few KB sent: the answer must come from the Content-Length alone.
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Content-Length: 20000000\r\n\r\n{\"messages\":[{\"role\":\"user\",\"content\":\"")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(filler(4096));
			out.flush();
			RawResponse response = RawResponse.read(socket.getInputStream());
			assertThat(response.status()).isEqualTo(413);
			assertOpenAiError(response.body(), "invalid_request_error");
		}
		assertServerStillAnswers();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/v1/chat/completions", "/api/chat" })
	void chunkedBodyIsCutOffOnceItPassesTheLimit(String path) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			// Up to 20 MB in 64 KB chunks, from another thread: the server answers (and closes) long before.
			CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> sendChunks(out, 320, 64 * 1024));
			RawResponse response = RawResponse.read(socket.getInputStream());
			assertThat(response.status()).isEqualTo(413);
			assertOpenAiError(response.body(), "invalid_request_error");
			socket.close();
			sending.handle((ignored, failure) -> null).get(10, TimeUnit.SECONDS);
		}
		assertServerStillAnswers();
	}

	@Test
	void clientLeavingBeforeTheProviderAnswersClosesTheUpstreamWithinOneSecond() throws Exception {
		upstream.answer(RawUpstream.Answer.SILENT);
		byte[] body = openAi("hi", true).getBytes(StandardCharsets.UTF_8);
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Accept: text/event-stream\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			assertThat(upstream.awaitRequested(Duration.ofSeconds(10))).as("the upstream got the request").isTrue();
		}
		// The client is gone before any response byte, while the provider has not even sent its headers.
		assertThat(upstream.awaitClosed(CANCELLED_WITHIN)).as("upstream connection closed within 1 s").isTrue();
		// Default retry settings: a cancelled call must not try again (the first back-off is about 500 ms).
		assertThat(upstream.awaitConnections(2, Duration.ofMillis(1500))).as("a second connection to the upstream")
			.isFalse();
	}

	@Test
	void clientLeavingMidReplyLogsOneInfoLineWithoutAStackTrace() throws Exception {
		upstream.answer(RawUpstream.Answer.ONE_CHUNK_THEN_HOLD);
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		root.addAppender(logs);
		String requestId;
		try {
			HttpRequest request = HttpRequest.newBuilder(uri("/v1/chat/completions"))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(10))
				.POST(BodyPublishers.ofString(openAi("hi", true)))
				.build();
			HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
			assertThat(response.statusCode()).isEqualTo(200);
			requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line = reader.readLine();
				while (!line.startsWith("data: ")) {
					line = reader.readLine();
				}
				assertThat(line).contains("Hel");
			}
			assertThat(upstream.awaitClosed(Duration.ofSeconds(5))).as("upstream closed").isTrue();
			awaitLine(logs, requestId);
		}
		finally {
			root.detachAppender(logs);
		}
		List<ILoggingEvent> info = logs.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.filter((event) -> event.getFormattedMessage().contains(requestId))
			.toList();
		assertThat(info).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.INFO);
			assertThat(event.getFormattedMessage()).contains("cancelled", "client gone", "client 127.0.0.1:",
					"streaming", " ms");
		});
		assertThat(logs.list).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.allSatisfy((event) -> assertThat(event.getThrowableProxy()).as(event.getFormattedMessage()).isNull());
	}

	private static void awaitLine(ListAppender<ILoggingEvent> logs, String id) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			if (logs.list.stream().anyMatch((event) -> event.getFormattedMessage().contains(id))) {
				return;
			}
			TimeUnit.MILLISECONDS.sleep(20);
		}
	}

	private void assertServerStillAnswers() throws Exception {
		HttpResponse<String> response = post("/v1/nope", "application/json", "{}");
		assertThat(response.statusCode()).isEqualTo(404);
	}

	private static void assertOpenAiError(String body, String type) {
		JsonNode error = json(body).get("error");
		assertThat(error).as(body).isNotNull();
		assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
		assertThat(error.get("message").asString()).isNotBlank();
		assertThat(error.get("type").asString()).isEqualTo(type);
	}

	private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri(path))
			.header("Content-Type", contentType)
			.timeout(Duration.ofSeconds(20))
			.POST(BodyPublishers.ofString(body))
			.build();
		return this.http.send(request, BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static byte[] filler(int size) {
		byte[] bytes = new byte[size];
		Arrays.fill(bytes, (byte) 'a');
		return bytes;
	}

	private static void sendChunks(OutputStream out, int count, int size) {
		byte[] chunk = filler(size);
		byte[] head = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		try {
			for (int i = 0; i < count; i++) {
				out.write(head);
				out.write(chunk);
				out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		catch (IOException ex) {
			// The server stopped reading and closed: what the test expects.
		}
	}

	/** A response read off a raw socket: the status line, the headers, a body of Content-Length bytes. */
	private record RawResponse(int status, String body) {

		static RawResponse read(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) != -1) {
				head.write(b);
				byte[] bytes = head.toByteArray();
				int n = bytes.length;
				if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r'
						&& bytes[n - 1] == '\n') {
					break;
				}
			}
			String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
			int length = -1;
			boolean chunked = false;
			for (String line : lines) {
				String lower = line.toLowerCase(java.util.Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Integer.parseInt(line.substring(15).trim());
				}
				if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
			}
			String body = chunked ? readChunked(in) : new String(in.readNBytes(Math.max(length, 0)), StandardCharsets.UTF_8);
			return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), body);
		}

		private static String readChunked(InputStream in) throws IOException {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			while (true) {
				int size = Integer.parseInt(line(in).trim(), 16);
				if (size == 0) {
					return body.toString(StandardCharsets.UTF_8);
				}
				body.write(in.readNBytes(size));
				line(in);
			}
		}

		private static String line(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
				line.append((char) b);
			}
			return line.toString();
		}

	}

}
