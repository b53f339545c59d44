package io.echo.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.chunkJson;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Content that is not what a stream should carry is reported as what it is: a body of another type or encoding as an
 * invalid response naming it, a payload that cannot be decoded as an invalid response after the chunks before it, a
 * connection cut after chunks as a truncation, a redirect as an API error that is neither followed nor retried.
 */
@Timeout(20)
class LlmStreamServiceContentTests extends RawServerSupport {

	private final LlmCallListenerTests.Recorder recorder = new LlmCallListenerTests.Recorder();

	@Test
	void htmlBodyWithStatus200IsAnInvalidResponseNamingTheType() throws Exception {
		String html = "<html><body>Please log in</body></html>";
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: text/html; "
				+ "charset=utf-8\r\nContent-Length: " + html.length() + "\r\n\r\n" + html));
		assertThatExceptionOfType(LlmInvalidResponseException.class)
			.isThrownBy(() -> client(this.server.baseUrl()).build().stream(hello()))
			.withMessageContaining("text/html");
		assertThat(this.server.connections()).as("not retried").isEqualTo(1);
	}

	@Test
	void completionAsJsonInsteadOfAnEventStreamIsAnInvalidResponseNamingTheType() throws Exception {
		String body = chunkJson("r1", "Hi", "stop").replace("chat.completion.chunk", "chat.completion")
			.replace("\"delta\"", "\"message\"");
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json"
				+ "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		assertThatExceptionOfType(LlmInvalidResponseException.class)
			.isThrownBy(() -> client(this.server.baseUrl()).build().stream(hello()))
			.withMessageContaining("application/json");
	}

	@Test
	void gzipEncodedEventStreamIsAnInvalidResponseNamingTheEncoding() throws Exception {
		ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
			gzip.write((chunkEvent("c1", "Hi") + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
		}
		byte[] body = gzipped.toByteArray();
		this.server = new RawHttpServer((exchange) -> {
			exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\n");
			exchange.chunk(body, 0, body.length).endBody();
		});
		assertThatExceptionOfType(LlmInvalidResponseException.class)
			.isThrownBy(() -> ids(client(this.server.baseUrl()).build().stream(hello())))
			.withMessageContaining("gzip");
		assertThat(this.server.requests().get(0).toLowerCase()).as("asked for no encoding")
			.contains("accept-encoding: identity");
	}

	@Test
	void connectionClosedMidEventAfterAChunkIsATruncation() throws Exception {
		CountDownLatch delivered = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi")).chunk("data: {\"id\":\"c2\",\"choi");
			if (delivered.await(5, TimeUnit.SECONDS)) {
				// A clean close (FIN) without the chunked body's end.
				exchange.closeOutput();
			}
		});
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			Iterator<ChatCompletionChunk> chunks = stream.iterator();
			seen.add(chunks.next().id());
			delivered.countDown();
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(chunks::hasNext)
				.withMessageContaining("after 1 chunks");
		}
		assertThat(seen).containsExactly("c1");
		assertThat(this.server.connections()).as("not retried").isEqualTo(1);
	}

	@Test
	void bodyEndedMidEventAfterAChunkIsATruncation() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: {\"id\":\"c2\",\"choi")
			.endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(() -> ids(stream, seen));
		}
		assertThat(seen).containsExactly("c1");
	}

	static Stream<String> undecodable() {
		return Stream.of("{\"id\":\"c2\",\"choices\":[{\"index\":0,", "not json at all",
				"{\"id\":\"c2\",\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
				"{\"id\":\"c2\",\"usage\":{\"total_tokens\":1" + "0".repeat(2000) + "}}");
	}

	@ParameterizedTest
	@MethodSource("undecodable")
	void dataThatCannotBeDecodedIsAnInvalidResponseAfterTheChunksBeforeIt(String data) throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: " + data + "\n\n")
			.chunk(chunkEvent("c3", "there"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).listener(this.recorder)
			.build()
			.stream(hello())) {
			assertThatExceptionOfType(LlmInvalidResponseException.class).isThrownBy(() -> ids(stream, seen))
				.withMessageContaining("could not be decoded");
		}
		assertThat(seen).containsExactly("c1");
		assertThat(this.recorder.events).last().isEqualTo("end ERROR LlmInvalidResponseException");
	}

	@Test
	void wellFormedJsonThatIsNotAChunkIsSkippedAndCounted() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("data: {\"status\":\"processing\"}\n\n")
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: [1, 2]\n\n")
			.chunk("data: [DONE]\n\n")
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).listener(this.recorder)
			.build()
			.stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
		}
		assertThat(this.recorder.events).containsSubsequence("skipped", "chunk c1", "skipped", "end SUCCESS");
	}

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void redirectIsAnApiErrorThatIsNeitherFollowedNorRetried(int status) throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 " + status + " Moved\r\nLocation: "
				+ "http://127.0.0.1:1/elsewhere\r\nx-should-retry: true\r\nContent-Length: 0\r\n\r\n"));
		assertThatExceptionOfType(LlmApiException.class)
			.isThrownBy(() -> client(this.server.baseUrl()).build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(status))
			.withMessageContaining("redirect");
		assertThat(this.server.connections()).as("neither followed nor retried").isEqualTo(1);
	}

}
