package io.echo.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An {@link LlmCancellation} stops a call from another thread within a second in every phase, including those where
 * {@code stream()} has not returned a stream to cancel yet: connecting, waiting for the headers, waiting to retry.
 * The connection is closed and no further attempt is sent. With the default timeouts only a call that notices the
 * cancel can pass.
 */
@Timeout(30)
class LlmCancellationTests extends RawServerSupport {

	private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private final LlmCallListenerTests.Recorder recorder = new LlmCallListenerTests.Recorder();

	private final LlmCancellation cancellation = new LlmCancellation();

	@AfterEach
	void stopCaller() {
		this.caller.shutdownNow();
	}

	@Test
	void cancelWhileWaitingForTheHeadersEndsStreamWithinASecondWithoutAnotherAttempt() throws Exception {
		this.server = new RawHttpServer(RawHttpServer.Exchange::awaitClientClose);
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		Future<LlmException> call = this.caller.submit(() -> failureOf(() -> llm.stream(hello(), this.cancellation)));
		awaitRequest();
		long cancelled = System.nanoTime();
		this.cancellation.cancel();
		assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(LlmCancelledException.class);
		assertThat(System.nanoTime() - cancelled).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
		assertThat(this.server.connections()).as("no further attempt").isEqualTo(1);
		assertThat(this.recorder.events).last().isEqualTo("end CANCELLED");
	}

	@Test
	void cancelWhileWaitingForTheHeadersEndsCompleteWithinASecond() throws Exception {
		this.server = new RawHttpServer(RawHttpServer.Exchange::awaitClientClose);
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		Future<LlmException> call = this.caller
			.submit(() -> failureOf(() -> llm.complete(hello(), this.cancellation)));
		awaitRequest();
		long cancelled = System.nanoTime();
		this.cancellation.cancel();
		assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(LlmCancelledException.class);
		assertThat(System.nanoTime() - cancelled).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
		assertThat(this.server.connections()).as("no further attempt").isEqualTo(1);
	}

	@Test
	void cancelWhileConnectingEndsStreamWithinASecond() throws Exception {
		try (FullBacklogServer full = new FullBacklogServer()) {
			CountDownLatch started = new CountDownLatch(1);
			AtomicReference<Thread> thread = new AtomicReference<>();
			LlmStreamService llm = client(full.baseUrl()).listener((info) -> {
				thread.set(Thread.currentThread());
				started.countDown();
				return LlmCallListener.Call.NONE;
			}).build();
			Future<LlmException> call = this.caller
				.submit(() -> failureOf(() -> llm.stream(hello(), this.cancellation)));
			assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
			LlmStreamServiceInterruptTests.awaitBlocked(thread.get());
			long cancelled = System.nanoTime();
			this.cancellation.cancel();
			assertThat(call.get(15, TimeUnit.SECONDS)).isInstanceOf(LlmCancelledException.class);
			assertThat(System.nanoTime() - cancelled).as("nanos to end the call").isLessThan(ONE_SECOND);
		}
	}

	@Test
	void cancelWhileWaitingOutARetryAfterEndsStreamWithinASecondWithoutAnotherAttempt() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 429 Too Many Requests\r\n"
				+ "Retry-After: 30\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		Logger retryLogger = (Logger) LoggerFactory.getLogger("io.echo.llm.internal.CallRetry");
		Level level = retryLogger.getLevel();
		LlmStreamServiceRetryCancelTests.BackOffSignal backingOff = new LlmStreamServiceRetryCancelTests.BackOffSignal();
		backingOff.start();
		retryLogger.setLevel(Level.DEBUG);
		retryLogger.addAppender(backingOff);
		Future<LlmException> call;
		try {
			call = this.caller.submit(() -> failureOf(() -> llm.stream(hello(), this.cancellation)));
			assertThat(backingOff.await()).as("waiting out Retry-After").isTrue();
		}
		finally {
			retryLogger.detachAppender(backingOff);
			retryLogger.setLevel(level);
		}
		long cancelled = System.nanoTime();
		this.cancellation.cancel();
		assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(LlmCancelledException.class)
			.hasCauseInstanceOf(LlmApiException.class);
		assertThat(System.nanoTime() - cancelled).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertThat(this.server.connections()).as("no further attempt").isEqualTo(1);
		assertThat(this.recorder.events).containsExactly("start default test-model streaming", "end CANCELLED");
	}

	@Test
	void cancelWhileReadingTheBodyEndsTheIterationQuietly() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		CountDownLatch firstChunk = new CountDownLatch(1);
		AtomicReference<Thread> thread = new AtomicReference<>();
		Future<List<String>> call = this.caller.submit(() -> {
			thread.set(Thread.currentThread());
			List<String> seen = new ArrayList<>();
			try (ChatCompletionStream stream = llm.stream(hello(), this.cancellation)) {
				for (ChatCompletionChunk chunk : stream) {
					seen.add(chunk.id());
					firstChunk.countDown();
				}
			}
			return seen;
		});
		assertThat(firstChunk.await(5, TimeUnit.SECONDS)).isTrue();
		LlmStreamServiceInterruptTests.awaitBlocked(thread.get());
		long cancelled = System.nanoTime();
		this.cancellation.cancel();
		assertThat(call.get(10, TimeUnit.SECONDS)).containsExactly("c1");
		assertThat(System.nanoTime() - cancelled).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
		assertThat(this.recorder.events).last().isEqualTo("end CANCELLED");
	}

	@Test
	void aCallGivenACancelledSignalSendsNothing() throws Exception {
		AtomicInteger served = new AtomicInteger();
		this.server = new RawHttpServer((exchange) -> served.incrementAndGet());
		this.cancellation.cancel();
		LlmStreamService llm = client(this.server.baseUrl()).firstChunkTimeout(Duration.ofSeconds(5)).build();
		assertThatExceptionOfType(LlmCancelledException.class).isThrownBy(() -> llm.stream(hello(), this.cancellation));
		assertThat(this.server.connections()).isZero();
	}

	private static LlmException failureOf(Runnable call) {
		try {
			call.run();
			return null;
		}
		catch (LlmException ex) {
			return ex;
		}
	}

	private void awaitRequest() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.server.requests().isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.server.requests()).as("request received").isNotEmpty();
	}

}
