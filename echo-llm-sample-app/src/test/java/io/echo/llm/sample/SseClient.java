package io.echo.llm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.sse.SseParser;

/** Posts JSON to the sample over loopback and reads the answer, server-sent events parsed by the core's parser. */
final class SseClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	SseClient(int port) {
		this.baseUrl = "http://127.0.0.1:" + port;
	}

	/** A whole answer. */
	record Answer(int status, HttpHeaders headers, String body, List<SseEvent> events) {

		List<String> names() {
			return this.events.stream().map(SseEvent::event).toList();
		}

		List<SseEvent> named(String name) {
			return this.events.stream().filter((event) -> name.equals(event.event())).toList();
		}

		/** The reply's text from the browser format's {@code token} events. */
		String tokenText() {
			return String.join("", named("token").stream()
				.map((event) -> JsonAssertions.json(event.data()).get("text").asString())
				.toList());
		}

		/** The reply's text from the OpenAI format's chunks, {@code [DONE]} left out. */
		String openAiContent() {
			StringBuilder text = new StringBuilder();
			this.events.stream()
				.filter((event) -> !event.data().equals("[DONE]"))
				.forEach((event) -> JsonAssertions.json(event.data())
					.path("choices")
					.forEach((choice) -> text.append(choice.at("/delta/content").asString(""))));
			return text.toString();
		}

	}

	Answer post(String path, String json) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request(path, json), HttpResponse.BodyHandlers.ofString());
		List<SseEvent> events = new ArrayList<>();
		SseParser parser = new SseParser(events::add);
		byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
		parser.feed(bytes, 0, bytes.length);
		parser.finish();
		return new Answer(response.statusCode(), response.headers(), response.body(), events);
	}

	/** Opens a stream and hands out its events one by one; {@link Opened#close()} drops the connection. */
	Opened open(String path, String json) throws IOException, InterruptedException {
		HttpResponse<InputStream> response = this.http.send(request(path, json),
				HttpResponse.BodyHandlers.ofInputStream());
		return new Opened(response.statusCode(), response.body());
	}

	private HttpRequest request(String path, String json) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream, application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	/** An open stream. */
	static final class Opened implements AutoCloseable {

		private final int status;

		private final InputStream body;

		private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();

		private final SseParser parser = new SseParser(this.events::add);

		Opened(int status, InputStream body) {
			this.status = status;
			this.body = body;
		}

		int status() {
			return this.status;
		}

		/** The next event, reading more of the body as needed. */
		SseEvent next() throws IOException, InterruptedException {
			byte[] buffer = new byte[512];
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			SseEvent event;
			while ((event = this.events.poll(0, TimeUnit.MILLISECONDS)) == null) {
				if (System.nanoTime() > deadline) {
					throw new IOException("No event within " + TIMEOUT);
				}
				int read = this.body.read(buffer);
				if (read < 0) {
					throw new IOException("The stream ended");
				}
				this.parser.feed(buffer, 0, read);
			}
			return event;
		}

		@Override
		public void close() throws IOException {
			this.body.close();
		}

	}

}
