package io.echo.llm;

import java.time.Duration;
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
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call stopped while it waits out a server's {@code Retry-After} ends at once as cancelled, without another attempt,
 * whether it is stopped by {@link ChatCompletionStream#cancel()} or by interrupting the waiting thread.
 */
@Timeout(30)
class LlmStreamServiceRetryCancelTests extends RawServerSupport {

	/** Longer than the tests wait for the call to end: only a call that stops waiting can pass. */
	private static final String RATE_LIMITED = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\n"
			+ "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

	private final Logger retryLogger = (Logger) LoggerFactory.getLogger("io.echo.llm.internal.CallRetry");

	private final BackOffSignal backingOff = new BackOffSignal();

	private final LlmCallListenerTests.Recorder recorder = new LlmCallListenerTests.Recorder();

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private Level previousLevel;

	@BeforeEach
	void signalBackOff() {
		this.previousLevel = this.retryLogger.getLevel();
		this.retryLogger.setLevel(Level.DEBUG);
		this.backingOff.start();
		this.retryLogger.addAppender(this.backingOff);
	}

	@AfterEach
	void stopCaller() {
		this.retryLogger.detachAppender(this.backingOff);
		this.retryLogger.setLevel(this.previousLevel);
		this.caller.shutdownNow();
	}

	private LlmStreamService.Builder llm() {
		return client(this.server.baseUrl()).clientName("primary").listener(this.recorder);
	}

	@Test
	void cancelWhileWaitingToRetryEndsTheIterationQuietlyWithoutAnotherAttempt() throws Exception {
		// The first attempt opens (a comment flushes the headers) and times out before its first chunk; its retry
		// is told to wait.
		AtomicInteger served = new AtomicInteger();
		this.server = new RawHttpServer((exchange) -> {
			if (served.incrementAndGet() == 1) {
				exchange.sseHeaders().chunk(": opened\n\n");
				exchange.awaitClientClose();
				return;
			}
			exchange.raw(RATE_LIMITED);
		});
		// A cold client may be late with the first request, so that it times out unserved: allow spare attempts.
		LlmStreamService llm = llm().firstChunkTimeout(Duration.ofSeconds(1)).maxAttempts(5).build();
		ChatCompletionStream stream = llm.stream(hello());
		Future<List<String>> iteration = this.caller.submit(() -> ids(stream));
		assertThat(this.backingOff.await()).as("waiting to retry").isTrue();
		stream.cancel();
		assertThat(iteration.get(10, TimeUnit.SECONDS)).isEmpty();
		assertThat(served).as("no attempt after the 429").hasValue(2);
		assertThat(this.recorder.events).containsSubsequence("start primary test-model streaming",
				"timeout FIRST_CHUNK", "end CANCELLED")
			.last()
			.isEqualTo("end CANCELLED");
	}

	@Test
	void interruptWhileWaitingToRetryEndsTheCallAsCancelledAndKeepsTheInterrupt() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.raw(RATE_LIMITED));
		AtomicReference<Thread> waiting = new AtomicReference<>();
		Future<Outcome> call = this.caller.submit(() -> {
			waiting.set(Thread.currentThread());
			try (ChatCompletionStream stream = llm().build().stream(hello())) {
				return new Outcome(null, Thread.currentThread().isInterrupted());
			}
			catch (LlmException ex) {
				return new Outcome(ex, Thread.currentThread().isInterrupted());
			}
		});
		assertThat(this.backingOff.await()).as("waiting to retry").isTrue();
		waiting.get().interrupt();
		Outcome outcome = call.get(10, TimeUnit.SECONDS);
		assertThat(outcome.interrupted()).as("interrupt flag kept").isTrue();
		assertThat(outcome.failure()).isExactlyInstanceOf(LlmCancelledException.class)
			.hasMessageContaining("cancelled")
			.hasCauseInstanceOf(LlmApiException.class);
		assertThat(this.server.requests()).hasSize(1);
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "end CANCELLED");
	}

	private record Outcome(LlmException failure, boolean interrupted) {
	}

	/** Opens when the retry policy logs the back-off it is about to wait out. */
	static final class BackOffSignal extends AppenderBase<ILoggingEvent> {

		private final CountDownLatch latch = new CountDownLatch(1);

		@Override
		protected void append(ILoggingEvent event) {
			if (event.getFormattedMessage().contains("next in 30000 ms")) {
				this.latch.countDown();
			}
		}

		boolean await() throws InterruptedException {
			return this.latch.await(10, TimeUnit.SECONDS);
		}

	}

}
