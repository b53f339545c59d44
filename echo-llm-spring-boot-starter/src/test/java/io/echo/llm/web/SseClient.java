package io.echo.llm.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.sse.SseParser;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP client reading a server-sent event stream event by event, that can drop its connection at any point
 * the way a browser does when the page reloads.
 */
public final class SseClient implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final HttpResponse<InputStream> response;

	private final ArrayDeque<SseEvent> parsed = new ArrayDeque<>();

	private final SseParser parser = new SseParser(this.parsed::add);

	private boolean ended;

	private SseClient(HttpResponse<InputStream> response) {
		this.response = response;
	}

	public static SseClient post(URI uri, String json) {
		return send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	public static SseClient get(URI uri, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
		headers.forEach(request::header);
		return send(request.build());
	}

	public static HttpResponse<String> delete(URI uri) {
		try {
			return HTTP.send(HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static SseClient send(HttpRequest request) {
		try {
			return new SseClient(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public int status() {
		return this.response.statusCode();
	}

	public String contentType() {
		return this.response.headers().firstValue("Content-Type").orElse("");
	}

	public String header(String name) {
		return this.response.headers().firstValue(name).orElse("");
	}

	/** Reads the whole body as text, for responses that are not event streams. */
	public String body() throws IOException {
		try (InputStream in = this.response.body()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/** Returns the next event, or {@code null} once the stream ended. */
	public @Nullable SseEvent next() throws IOException {
		byte[] buffer = new byte[1024];
		InputStream in = this.response.body();
		while (this.parsed.isEmpty() && !this.ended) {
			int read = in.read(buffer);
			if (read == -1) {
				this.parser.finish();
				this.ended = true;
			}
			else {
				this.parser.feed(buffer, 0, read);
			}
		}
		return this.parsed.poll();
	}

	/** Reads the given number of events; fails if the stream ends first. */
	public List<SseEvent> next(int count) throws IOException {
		List<SseEvent> events = new ArrayList<>();
		while (events.size() < count) {
			SseEvent event = next();
			if (event == null) {
				throw new IllegalStateException("Stream ended after " + events.size() + " events: " + events);
			}
			events.add(event);
		}
		return events;
	}

	/** Reads every event up to the end of the stream. */
	public List<SseEvent> rest() throws IOException {
		List<SseEvent> events = new ArrayList<>();
		for (SseEvent event = next(); event != null; event = next()) {
			events.add(event);
		}
		return events;
	}

	/** Drops the connection, as a reloaded page does. */
	@Override
	public void close() throws IOException {
		this.response.body().close();
	}

}
