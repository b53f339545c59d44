package io.echo.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.finishEvent;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Streaming over a byte-exact loopback server: framing, ends, cancel and the server's view of the connection. */
@Timeout(20)
class LlmStreamServiceStreamingTests extends RawServerSupport {

	@Test
	void streamsChunksUntilDone() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hel"))
			.chunk(chunkEvent("c2", "lo"))
			.chunk(finishEvent("c3"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		StringBuilder text = new StringBuilder();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			stream.forEach((chunk) -> text.append(chunk.text()));
		}
		assertThat(text).hasToString("Hello");
	}

	@Test
	void eachChunkIsHandedOutBeforeTheServerSendsTheNext() throws Exception {
		CountDownLatch firstReceived = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			// The server sends nothing more until the caller has the first chunk: no look-ahead may wait for it.
			if (firstReceived.await(10, TimeUnit.SECONDS)) {
				exchange.chunk(finishEvent("c2")).chunk("data: [DONE]\n\n").endBody();
			}
		});
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			Iterator<ChatCompletionChunk> iterator = stream.iterator();
			assertThat(iterator.next().id()).isEqualTo("c1");
			firstReceived.countDown();
			assertThat(iterator.next().id()).isEqualTo("c2");
			assertThat(iterator.hasNext()).isFalse();
		}
	}

	@Test
	void sendsStreamTrueTheDefaultModelAndTheKeyOnlyAsBearerHeader() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders().chunk("data: [DONE]\n\n").endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThat(ids(stream)).isEmpty();
		}
		String request = this.server.requests().get(0);
		assertThat(request).startsWith("POST /v1/chat/completions HTTP/1.1")
			.containsIgnoringCase("authorization: Bearer sk-test-secret")
			.containsIgnoringCase("accept: text/event-stream")
			.containsIgnoringCase("accept-encoding: identity")
			.contains("\"stream\":true")
			.contains("\"model\":\"test-model\"");
	}

	@Test
	void doneEndsTheStreamAndClosesAConnectionTheServerHoldsOpen() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi")).chunk("data: [DONE]\n\n");
			exchange.awaitClientClose();
		});
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
			assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void cancelFromAnotherThreadUnblocksTheReaderAndClosesTheConnection() throws Exception {
		CountDownLatch firstSent = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			firstSent.countDown();
			exchange.awaitClientClose();
		});
		ChatCompletionStream stream = client(this.server.baseUrl()).idleTimeout(Duration.ZERO).build().stream(hello());
		Iterator<ChatCompletionChunk> iterator = stream.iterator();
		assertThat(iterator.next().id()).isEqualTo("c1");
		assertThat(firstSent.await(5, TimeUnit.SECONDS)).isTrue();
		AtomicReference<Thread> readerThread = new AtomicReference<>();
		CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> {
			readerThread.set(Thread.currentThread());
			return iterator.hasNext();
		});
		awaitBlocked(readerThread);
		stream.cancel();
		assertThat(reader.get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
		assertThat(iterator.hasNext()).isFalse();
	}

	@Test
	void streamWithoutDoneEndsNormallyWhenEveryChoiceFinished() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk(finishEvent("c2"))
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1", "c2");
		}
	}

	@Test
	void lastEventWithoutItsBlankLineIsStillDelivered() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk(finishEvent("c2").strip())
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1", "c2");
		}
	}

	@Test
	void streamCutWithoutDoneOrFinishReasonFailsAfterDeliveringWhatArrived() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders().chunk(chunkEvent("c1", "Hi")).endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(() -> ids(stream, seen))
				.withMessageContaining("without [DONE]");
		}
		assertThat(seen).containsExactly("c1");
	}

	@Test
	void errorEventMidStreamFailsAfterDeliveringWhatCameBefore() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"code\":\"overloaded\"}}\n\n")
			.endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmStreamErrorException.class).isThrownBy(() -> ids(stream, seen))
				.satisfies((ex) -> {
					assertThat(ex.code()).isEqualTo("overloaded");
					assertThat(ex.providerMessage()).isEqualTo("Overloaded");
				});
		}
		assertThat(seen).containsExactly("c1");
	}

	@Test
	void errorEventThatQuotesTheKeyHasItMasked() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("event: error\ndata: {\"error\":{\"message\":\"Incorrect API key provided: sk-test-secret\"}}\n\n")
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmStreamErrorException.class).isThrownBy(() -> ids(stream, new ArrayList<>()))
				.satisfies((ex) -> {
					assertThat(ex.providerMessage()).isEqualTo("Incorrect API key provided: ******");
					assertThat(ex.getMessage()).doesNotContain("sk-test-secret");
				});
		}
	}

	@Test
	void errorEventThatQuotesTheKeyAcrossTheShorteningCutHasItsStartMasked() throws Exception {
		String before = "x".repeat(290) + " key ";
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("event: error\ndata: {\"error\":{\"message\":\"" + before + "sk-test-secret was refused\"}}\n\n")
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmStreamErrorException.class).isThrownBy(() -> ids(stream, new ArrayList<>()))
				.satisfies((ex) -> {
					// Masked before it is shortened: the cut may fall inside the mask, never inside the key.
					assertThat(ex.providerMessage()).startsWith(before.strip())
						.containsPattern(" key \\*+\\.\\.\\. \\(")
						.doesNotContain("sk-te");
					assertThat(ex.getMessage()).doesNotContain("sk-te");
				});
		}
	}

	@Test
	void errorObjectOnAChunkWithUsageDeliversThatChunkThenFails() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: {\"id\":\"c2\",\"error\":{\"code\":400,\"message\":\"Token limit reached\"},"
					+ "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n")
			.chunk("data: [DONE]\n\n")
			.endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThatExceptionOfType(LlmStreamErrorException.class).isThrownBy(() -> ids(stream, seen))
				.satisfies((ex) -> {
					assertThat(ex.status()).isEqualTo(400);
					assertThat(ex.providerMessage()).isEqualTo("Token limit reached");
				});
		}
		assertThat(seen).containsExactly("c1", "c2");
	}

	@Test
	void dataThatIsNotAChunkIsSkipped() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk("data: {\"status\":\"processing\"}\n\n")
			.chunk(chunkEvent("c1", "Hi"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			assertThat(ids(stream)).containsExactly("c1");
		}
	}

	@Test
	void resetAfterTheFirstChunkIsATruncationAndIsNotRetried() throws Exception {
		CountDownLatch delivered = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			if (delivered.await(5, TimeUnit.SECONDS)) {
				exchange.reset();
			}
		});
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(hello())) {
			Iterator<ChatCompletionChunk> iterator = stream.iterator();
			assertThat(iterator.next().id()).isEqualTo("c1");
			delivered.countDown();
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(iterator::hasNext)
				.withMessageContaining("after 1 chunks");
		}
		assertThat(this.server.connections()).isEqualTo(1);
	}

	@Test
	void cancelDuringARetryEndsTheIterationQuietly() throws Exception {
		AtomicInteger connection = new AtomicInteger();
		CountDownLatch retrying = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			if (connection.incrementAndGet() == 1) {
				exchange.sseHeaders();
			}
			else {
				retrying.countDown();
			}
			exchange.awaitClientClose();
		});
		ChatCompletionStream stream = client(this.server.baseUrl()).firstChunkTimeout(Duration.ofMillis(200))
			.build()
			.stream(hello());
		CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> ids(stream));
		assertThat(retrying.await(5, TimeUnit.SECONDS)).isTrue();
		stream.cancel();
		assertThat(reader.get(5, TimeUnit.SECONDS)).isEmpty();
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void eventLargerThanMaxEventBytesFailsAfterDeliveringWhatCameBefore() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk(chunkEvent("c2", "x".repeat(500)))
			.endBody());
		List<String> seen = new ArrayList<>();
		try (ChatCompletionStream stream = client(this.server.baseUrl()).maxEventBytes(300).build().stream(hello())) {
			assertThatExceptionOfType(LlmInvalidResponseException.class).isThrownBy(() -> ids(stream, seen))
				.withMessageContaining("300 bytes");
		}
		assertThat(seen).containsExactly("c1");
	}

	@Test
	void jsonErrorInsteadOfAnEventStreamFailsWithTheProviderMessage() throws Exception {
		String body = "{\"error\":{\"message\":\"Model is loading\",\"code\":\"model_loading\"}}";
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + body.length() + "\r\n\r\n" + body));
		assertThatExceptionOfType(LlmApiException.class)
			.isThrownBy(() -> client(this.server.baseUrl()).build().stream(hello()))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("model_loading"));
	}

	@Test
	void closingTheJavaStreamClosesTheConnection() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi")).chunk(chunkEvent("c2", "there"));
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).build();
		try (Stream<ChatCompletionChunk> chunks = llm.stream(hello()).stream()) {
			assertThat(chunks.findFirst()).hasValueSatisfying((chunk) -> assertThat(chunk.id()).isEqualTo("c1"));
		}
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	/**
	 * Waits (bounded) until the reader thread blocks inside the body read: parked (the JDK client hands bytes over
	 * through a queue) or in a socket read (Apache HttpClient reads the socket on the caller's thread).
	 */
	private static void awaitBlocked(AtomicReference<Thread> reader) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			Thread thread = reader.get();
			if (thread != null && (thread.getState() == Thread.State.WAITING
					|| thread.getState() == Thread.State.TIMED_WAITING || inSocketRead(thread))) {
				return;
			}
			Thread.sleep(1);
		}
		throw new AssertionError("The reader never blocked in a read");
	}

	private static boolean inSocketRead(Thread thread) {
		StackTraceElement[] stack = thread.getStackTrace();
		return thread.getState() == Thread.State.RUNNABLE && stack.length > 0
				&& Arrays.stream(stack).limit(6).anyMatch((frame) -> frame.getClassName().contains("Socket")
						&& frame.getMethodName().toLowerCase(java.util.Locale.ROOT).contains("read"));
	}

}
