package io.echo.llm;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.echo.llm.LlmTimeoutException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Each timeout fires on the server behaviour it exists for, closes the connection and names its kind. */
@Timeout(20)
class LlmStreamServiceTimeoutTests extends RawServerSupport {

	private static final Duration SHORT = Duration.ofMillis(300);

	@Test
	void firstChunkTimeoutFiresWhenHeadersArriveAndThenNothing() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(SHORT).maxAttempts(1).build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertTimeout(stream, Kind.FIRST_CHUNK, new ArrayList<>());
		}
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void firstChunkTimeoutFiresWhenNotEvenHeadersArrive() throws Exception {
		this.server = new RawHttpServer(RawHttpServer.Exchange::awaitClientClose);
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(SHORT).maxAttempts(1).build();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> llm.stream(hello()))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.FIRST_CHUNK));
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void firstChunkTimeoutIsRetriedWhileNothingWasHandedOut() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(SHORT).maxAttempts(3).build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertTimeout(stream, Kind.FIRST_CHUNK, new ArrayList<>());
		}
		assertThat(this.server.connections()).isEqualTo(3);
	}

	@Test
	void keepAliveCommentsDoNotResetTheFirstChunkTimeout() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			commentForever(exchange);
		});
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(SHORT)
			.idleTimeout(Duration.ofMillis(100))
			.maxAttempts(1)
			.build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertTimeout(stream, Kind.FIRST_CHUNK, new ArrayList<>());
		}
	}

	@Test
	void idleTimeoutFiresAfterOneChunkAndAStall() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).idleTimeout(SHORT).build();
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertTimeout(stream, Kind.IDLE, seen);
		}
		assertThat(seen).containsExactly("c1");
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.server.connections()).isEqualTo(1);
	}

	@Test
	void overallTimeoutFiresThoughChunksKeepTheStreamFromIdling() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			try {
				for (int i = 1;; i++) {
					exchange.chunk(chunkEvent("c" + i, "Hi"));
					Thread.sleep(20);
				}
			}
			catch (IOException ex) {
				// The client closed the connection: the timeout did its job.
			}
		});
		LlmStreamService llm = client(this.server.baseUrl()).idleTimeout(Duration.ofMillis(150))
			.overallTimeout(Duration.ofMillis(600))
			.build();
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertTimeout(stream, Kind.OVERALL, seen);
		}
		assertThat(seen).hasSizeGreaterThan(1);
	}

	@Test
	void zeroTimeoutsDisableTheDeadlines() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		LlmStreamService llm = client(this.server.baseUrl()).connectTimeout(Duration.ZERO)
			.firstChunkTimeout(Duration.ZERO)
			.idleTimeout(Duration.ofSeconds(-1))
			.overallTimeout(Duration.ZERO)
			.build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
		}
	}

	@Test
	void connectTimeoutFiresWhenTheServerNeverAccepts() throws Exception {
		try (FullBacklogServer full = new FullBacklogServer()) {
			LlmStreamService llm = client(full.baseUrl())
				.connectTimeout(SHORT)
				.maxAttempts(1)
				.build();
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> llm.stream(hello()))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.CONNECT));
		}
	}

	private static void assertTimeout(ChatCompletionStream stream, Kind kind, List<String> seen) {
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> ids(stream, seen))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(kind));
	}

	/** Trickles keep-alive comments until the client goes away. */
	private static void commentForever(RawHttpServer.Exchange exchange) throws InterruptedException {
		try {
			while (true) {
				exchange.chunk(": keep-alive\n\n");
				Thread.sleep(20);
			}
		}
		catch (IOException ex) {
			// The client closed the connection: the timeout did its job.
		}
	}

}
