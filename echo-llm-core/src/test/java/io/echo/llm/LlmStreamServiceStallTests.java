package io.echo.llm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import io.echo.llm.LlmTimeoutException.Kind;
import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Only chunks reset the first-chunk and idle timers: an upstream that keeps a stream busy with keep-alive comments,
 * pings or the bytes of an event it never finishes still ends in an idle timeout, within the idle time of the last
 * chunk. The overall timeout stays off, as by default.
 */
@Timeout(30)
class LlmStreamServiceStallTests extends RawServerSupport {

	private static final Duration IDLE = Duration.ofSeconds(3);

	/** Time the watchdog and a loaded machine may add to the idle time. */
	private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

	@Test
	void keepAliveCommentsAfterOneChunkEndInAnIdleTimeout() throws Exception {
		assertIdleTimeoutAfterOneChunk((exchange) -> exchange.chunk(": keep-alive\n\n"));
	}

	@Test
	void theBytesOfAnEventThatNeverEndsEndInAnIdleTimeout() throws Exception {
		byte[] partial = "data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"".repeat(20)
			.getBytes(StandardCharsets.UTF_8);
		int[] next = { 0 };
		assertIdleTimeoutAfterOneChunk((exchange) -> exchange.chunk(partial, next[0]++ % partial.length, 1));
	}

	@Test
	void pingEventsThatAreNotChunksEndInAnIdleTimeout() throws Exception {
		assertIdleTimeoutAfterOneChunk((exchange) -> exchange.chunk("event: ping\ndata: {\"type\":\"ping\"}\n\n"));
	}

	@Test
	void emptyDataEventsEndInAnIdleTimeout() throws Exception {
		assertIdleTimeoutAfterOneChunk((exchange) -> exchange.chunk("data:\n\n"));
	}

	@Test
	void chunksWithNoChoicesAfterOneChunkEndInAnIdleTimeout() throws Exception {
		// {"choices": []} carries nothing: as a keep-alive it must not hold the stream open for ever.
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			dripUntilClosed(exchange, (e) -> e.chunk("data: {\"id\":\"c2\",\"choices\":[]}\n\n"));
		});
		LlmStreamService llm = client(this.server.baseUrl()).idleTimeout(IDLE).build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			Iterator<ChatCompletionChunk> chunks = stream.iterator();
			assertThat(chunks.next().id()).isEqualTo("c1");
			long lastChunk = System.nanoTime();
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> chunks.forEachRemaining((c) -> {
			})).satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.IDLE));
			assertThat(System.nanoTime() - lastChunk).as("nanos from the last chunk to the timeout")
				.isLessThan(IDLE.toNanos() + SLACK_NANOS);
		}
	}

	@Test
	void pingsBeforeTheFirstChunkDoNotResetTheFirstChunkTimeout() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			dripUntilClosed(exchange, (e) -> e.chunk("data: {\"type\":\"ping\"}\n\n"));
		});
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(Duration.ofMillis(500))
			.maxAttempts(1)
			.build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> stream.iterator().hasNext())
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.FIRST_CHUNK));
		}
	}

	@Test
	void theIdleTimeoutIsOnByDefault() {
		assertThat(LlmClientSettings.defaults().idleTimeout()).isPositive();
	}

	private void assertIdleTimeoutAfterOneChunk(Drip drip) throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			dripUntilClosed(exchange, drip);
		});
		LlmStreamService llm = client(this.server.baseUrl()).idleTimeout(IDLE).build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			Iterator<ChatCompletionChunk> chunks = stream.iterator();
			assertThat(chunks.next().id()).isEqualTo("c1");
			long lastChunk = System.nanoTime();
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(chunks::hasNext)
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Kind.IDLE));
			assertThat(System.nanoTime() - lastChunk).as("nanos from the last chunk to the timeout")
				.isLessThan(IDLE.toNanos() + SLACK_NANOS);
		}
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
	}

	/** Sends something every 200 ms until the client closes the connection. */
	private static void dripUntilClosed(RawHttpServer.Exchange exchange, Drip drip) throws InterruptedException {
		try {
			while (true) {
				Thread.sleep(200);
				drip.send(exchange);
			}
		}
		catch (IOException ex) {
			exchange.clientClosed();
		}
	}

	@FunctionalInterface
	private interface Drip {

		void send(RawHttpServer.Exchange exchange) throws IOException;

	}

}
