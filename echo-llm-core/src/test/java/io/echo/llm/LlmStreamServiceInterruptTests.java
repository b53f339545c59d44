package io.echo.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Interrupting the thread that calls {@code stream()} or iterates the stream ends the call within a second in every
 * phase (connecting, waiting for the headers, reading the body), closes the connection, starts no further attempt,
 * and leaves the thread interrupted. With the default timeouts (10 s connect, 30 s first chunk, 60 s idle) only a
 * call that notices the interrupt can pass.
 */
@Timeout(30)
class LlmStreamServiceInterruptTests extends RawServerSupport {

	private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private final LlmCallListenerTests.Recorder recorder = new LlmCallListenerTests.Recorder();

	@AfterEach
	void stopCaller() {
		this.caller.shutdownNow();
	}

	@Test
	void interruptWhileWaitingForTheHeadersEndsTheCallAsCancelled() throws Exception {
		this.server = new RawHttpServer(RawHttpServer.Exchange::awaitClientClose);
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		AtomicReference<Thread> thread = new AtomicReference<>();
		Future<Outcome> call = this.caller.submit(() -> {
			thread.set(Thread.currentThread());
			try (ChatCompletionStream stream = llm.stream(hello())) {
				return new Outcome(null, Thread.currentThread().isInterrupted(), List.of());
			}
			catch (LlmException ex) {
				return new Outcome(ex, Thread.currentThread().isInterrupted(), List.of());
			}
		});
		awaitRequest();
		long interrupted = System.nanoTime();
		thread.get().interrupt();
		Outcome outcome = call.get(10, TimeUnit.SECONDS);
		assertThat(System.nanoTime() - interrupted).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertCancelled(outcome);
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
		assertThat(this.server.connections()).as("no further attempt").isEqualTo(1);
		assertThat(this.recorder.events).last().isEqualTo("end CANCELLED");
	}

	@Test
	void interruptWhileConnectingEndsTheCallAsCancelled() throws Exception {
		try (FullBacklogServer full = new FullBacklogServer()) {
			CountDownLatch started = new CountDownLatch(1);
			LlmStreamService llm = client(full.baseUrl()).listener((info) -> {
				started.countDown();
				return LlmCallListener.Call.NONE;
			}).build();
			AtomicReference<Thread> thread = new AtomicReference<>();
			Future<Outcome> call = this.caller.submit(() -> {
				thread.set(Thread.currentThread());
				try (ChatCompletionStream stream = llm.stream(hello())) {
					return new Outcome(null, Thread.currentThread().isInterrupted(), List.of());
				}
				catch (LlmException ex) {
					return new Outcome(ex, Thread.currentThread().isInterrupted(), List.of());
				}
			});
			assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
			awaitBlocked(thread.get());
			long interrupted = System.nanoTime();
			thread.get().interrupt();
			Outcome outcome = call.get(15, TimeUnit.SECONDS);
			assertThat(System.nanoTime() - interrupted).as("nanos to end the call").isLessThan(ONE_SECOND);
			assertCancelled(outcome);
		}
	}

	@Test
	void interruptWhileReadingTheBodyEndsTheIterationAsCancelledAfterWhatArrived() throws Exception {
		// Java 17's HttpClient swallows an interrupt of a body read (it catches it and waits again, flag cleared);
		// Java 25's closes the body and throws. Apache HttpClient, and LlmCancellation, stop the read on any Java.
		assumeFalse("jdk".equals(System.getProperty("echo.llm.http-client")) && Runtime.version().feature() < 25,
				"the JDK HttpClient of this Java swallows interrupts of body reads");
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).listener(this.recorder).build();
		AtomicReference<Thread> thread = new AtomicReference<>();
		CountDownLatch firstChunk = new CountDownLatch(1);
		Future<Outcome> call = this.caller.submit(() -> {
			thread.set(Thread.currentThread());
			List<String> seen = new ArrayList<>();
			try (ChatCompletionStream stream = llm.stream(hello())) {
				for (ChatCompletionChunk chunk : stream) {
					seen.add(chunk.id());
					firstChunk.countDown();
				}
				return new Outcome(null, Thread.currentThread().isInterrupted(), seen);
			}
			catch (LlmException ex) {
				return new Outcome(ex, Thread.currentThread().isInterrupted(), seen);
			}
		});
		assertThat(firstChunk.await(5, TimeUnit.SECONDS)).isTrue();
		awaitBlocked(thread.get());
		long interrupted = System.nanoTime();
		thread.get().interrupt();
		Outcome outcome = call.get(10, TimeUnit.SECONDS);
		assertThat(System.nanoTime() - interrupted).as("nanos to end the call").isLessThan(ONE_SECOND);
		assertCancelled(outcome);
		assertThat(outcome.seen()).containsExactly("c1");
		assertThat(this.server.awaitClientClose(1, TimeUnit.SECONDS)).as("connection closed").isTrue();
		assertThat(this.recorder.events).last().isEqualTo("end CANCELLED");
	}

	private static void assertCancelled(Outcome outcome) {
		assertThat(outcome.failure()).as("failure").isInstanceOf(LlmCancelledException.class);
		assertThat(outcome.interrupted()).as("interrupt flag kept").isTrue();
	}

	private void awaitRequest() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.server.requests().isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.server.requests()).as("request received").isNotEmpty();
	}

	/** Waits (bounded) until the thread blocks: parked, or in a socket call (runnable in native code). */
	static void awaitBlocked(Thread thread) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			if (thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING
					|| inSocketCall(thread)) {
				return;
			}
			Thread.sleep(1);
		}
	}

	private static boolean inSocketCall(Thread thread) {
		for (StackTraceElement frame : thread.getStackTrace()) {
			String name = frame.getClassName() + "." + frame.getMethodName();
			if (frame.isNativeMethod() && (name.contains("Net.") || name.contains("Socket") || name.contains("poll")
					|| name.contains("connect"))) {
				return true;
			}
		}
		return false;
	}

	record Outcome(LlmException failure, boolean interrupted, List<String> seen) {
	}

}
