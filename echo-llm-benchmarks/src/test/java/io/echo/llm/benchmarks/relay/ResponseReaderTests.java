package io.echo.llm.benchmarks.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseReaderTests {

	private static final String OPENAI = "HTTP/1.1 200 \r\nContent-Type: text/event-stream\r\n"
			+ "Transfer-Encoding: chunked\r\n\r\n" + chunk("data: {\"choices\":[{\"delta\":{\"content\":\"0:123\"}}]}\n\n")
			+ chunk("data: {\"choices\":[{\"delta\":{\"content\":\"1:456\"}}]}\n\ndata: [DONE]\n\n") + "0\r\n\r\n";

	private static final String BROWSER = "HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n"
			+ chunk("event: token\ndata: {\"text\":\"7:99\"}\n\n") + chunk("event: done\ndata: {}\n\n") + "0\r\n\r\n";

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 7, 64, 4096 })
	void findsEveryStampAndTheEndOfAnOpenAiStreamHoweverSplit(int piece) {
		List<String> tokens = new ArrayList<>();
		ResponseReader reader = feed(OPENAI, piece, tokens);
		assertThat(tokens).containsExactly("0:123", "1:456");
		assertThat(reader.status()).isEqualTo(200);
		assertThat(reader.done()).isTrue();
		assertThat(reader.error()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 4096 })
	void findsStampsAndTheEndOfABrowserStream(int piece) {
		List<String> tokens = new ArrayList<>();
		ResponseReader reader = feed(BROWSER, piece, tokens);
		assertThat(tokens).containsExactly("7:99");
		assertThat(reader.done()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "event: error\ndata: {\"status\":502}\n\n", "data: {\"error\":{\"message\":\"x\"}}\n\n" })
	void notesAnErrorEventOrChunk(String event) {
		ResponseReader reader = feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(event), 5,
				new ArrayList<>());
		assertThat(reader.error()).isTrue();
		assertThat(reader.done()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 4096 })
	void readsTheStatusOfAFailedResponse(int piece) {
		ResponseReader reader = feed("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", piece,
				new ArrayList<>());
		assertThat(reader.status()).isEqualTo(503);
	}

	private static ResponseReader feed(String response, int piece, List<String> tokens) {
		byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
		ResponseReader reader = new ResponseReader();
		for (int offset = 0; offset < bytes.length; offset += piece) {
			reader.feed(bytes, offset, Math.min(piece, bytes.length - offset),
					(seq, stamp) -> tokens.add(seq + ":" + stamp));
		}
		return reader;
	}

	private static String chunk(String text) {
		return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
	}

}
