package io.echo.llm.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code echo.llm.relay.flush-interval}: events that follow each other closely are written together, but none waits
 * longer than the interval for a next one, and the end of a stream, {@code [DONE]} or an error, goes out at once with
 * everything before it. Each stream's events arrive once each and in order.
 */
class LlmSseRelayFlushTests extends ScriptedUpstreamTests {

	@Test
	void tokensGatheredInABurstGoOutWithinTheIntervalWhileTheUpstreamHolds() throws IOException {
		// Three tokens back to back, then nothing: the last two wait for a deferred flush, not for a next token.
		start("300ms", Map.of());
		this.upstream.reset().tokens(List.of("a", "b", "c", "d")).holdAfter(3);
		try (SseClient client = post("/api/chat/openai")) {
			List<SseEvent> events = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> client.next(3));
			assertThat(events).extracting(SseEvent::data)
				.satisfiesExactly((data) -> assertThat(data).contains("\"content\":\"a\""),
						(data) -> assertThat(data).contains("\"content\":\"b\""),
						(data) -> assertThat(data).contains("\"content\":\"c\""));
		}
	}

	@Test
	void theEndOfAStreamIsNeverHeldForTheInterval() throws IOException {
		// An interval far longer than the test: only the end of the stream can write the gathered tokens.
		start("1h", Map.of());
		this.upstream.reset().tokens(List.of("a", "b", "c"));
		try (SseClient client = post("/api/chat/openai")) {
			List<SseEvent> events = assertTimeoutPreemptively(Duration.ofSeconds(10), client::rest);
			assertThat(events).extracting(SseEvent::data)
				.satisfiesExactly((data) -> assertThat(data).contains("\"content\":\"a\""),
						(data) -> assertThat(data).contains("\"content\":\"b\""),
						(data) -> assertThat(data).contains("\"content\":\"c\""),
						(data) -> assertThat(data).contains("\"finish_reason\":\"stop\""),
						(data) -> assertThat(data).isEqualTo("[DONE]"));
		}
	}

	@Test
	void anErrorIsNeverHeldForTheInterval() throws IOException {
		// The upstream holds after two tokens and the idle timeout fails the stream: the error follows at once.
		start("1h", Map.of("echo.llm.timeouts.idle", "500ms"));
		this.upstream.reset().tokens(List.of("a", "b", "c")).holdAfter(2);
		try (SseClient client = post("/api/chat/openai")) {
			List<SseEvent> events = assertTimeoutPreemptively(Duration.ofSeconds(10), client::rest);
			assertThat(events).extracting(SseEvent::event, SseEvent::data)
				.satisfiesExactly((event) -> assertThat(event.toList().get(1).toString()).contains("\"content\":\"a\""),
						(event) -> assertThat(event.toList().get(1).toString()).contains("\"content\":\"b\""),
						(event) -> assertThat(event.toList()).first().isEqualTo("error"));
			assertThat(events.get(2).data()).contains("\"code\":\"idle_timeout\"");
		}
	}

	@Test
	void onAPoolOfPlatformThreadsEveryEventIsWrittenAtOnce() throws IOException {
		// Boot's pool as the relay asks it to be sized: one thread per stream, no queue. A deferred flush would find
		// no thread (the stream holds the only one), and the tokens after the first would wait for the upstream.
		// The idle timeout ends the held stream (its error flushes everything) and frees the thread: well after the
		// deadline below, soon enough that the test does not wait for the pool at shutdown.
		start("300ms", Map.of("spring.task.execution.pool.core-size", "1", "spring.task.execution.pool.max-size", "1",
				"spring.task.execution.pool.queue-capacity", "0", "echo.llm.timeouts.idle", "4s"), new Class<?>[0]);
		this.upstream.reset().tokens(List.of("a", "b", "c", "d")).holdAfter(3);
		try (SseClient client = post("/api/chat/openai")) {
			List<SseEvent> events = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> client.next(3));
			assertThat(events).hasSize(3);
		}
	}

	@Test
	void zeroWritesEveryEventAtOnce() throws IOException {
		start("0", Map.of());
		this.upstream.reset().tokens(List.of("a", "b", "c", "d")).holdAfter(3);
		try (SseClient client = post("/api/chat/openai")) {
			List<SseEvent> events = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> client.next(3));
			assertThat(events).hasSize(3);
		}
	}

	// A thread per task, as virtual threads give on Java 21+ (these tests run on 17 too): deferred flushes batch.
	private void start(String flushInterval, Map<String, Object> more) {
		start(flushInterval, more, ThreadPerTask.class);
	}

	private void start(String flushInterval, Map<String, Object> more, Class<?>... configurations) {
		Map<String, Object> properties = new java.util.HashMap<>(more);
		properties.put("echo.llm.base-url", this.upstream.baseUrl());
		properties.put("echo.llm.relay.flush-interval", flushInterval);
		this.instance = RelayTestApplication.start(properties, configurations);
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadPerTask {

		@Bean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
		AsyncTaskExecutor applicationTaskExecutor() {
			return new SimpleAsyncTaskExecutor("relay-");
		}

	}


}
