package io.echo.llm.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A relay whose executor is full: Boot's {@code applicationTaskExecutor} sized to one thread and no queue
 * ({@code spring.task.execution.pool.*}), one stream holding that thread, and a second stream asked for meanwhile.
 * The second gets a {@code 503 relay_busy} error at once instead of waiting unseen behind the first.
 */
class LlmSseRelayBusyTests extends ScriptedUpstreamTests {

	private static final String BUSY = "{\"status\":503,\"code\":\"relay_busy\","
			+ "\"message\":\"Too many replies in progress; try again shortly\"}";

	@BeforeEach
	void holdStreamsAfterOneToken() {
		this.upstream.reset().pauseAfter(1);
	}

	@Test
	void streamBeyondTheFullPoolGetsABusyErrorAtOnce() throws IOException {
		start("false");
		int requestsBefore = this.upstream.requests();
		try (SseClient first = post("/api/chat")) {
			// The first token arrived, so the only executor thread is busy pumping this stream.
			assertThat(first.next(1)).extracting(SseEvent::event).containsExactly("token");
			List<SseEvent> refused = post("/api/chat").rest();
			assertThat(refused).extracting(SseEvent::event, SseEvent::data).containsExactly(tuple("error", BUSY));
			this.upstream.release();
			assertThat(first.rest()).extracting(SseEvent::event).containsExactly("token", "done");
		}
		assertThat(this.upstream.requests()).as("the refused stream never called the provider")
			.isEqualTo(requestsBefore + 1);
	}

	@Test
	void openAiFormatGetsTheBusyErrorAsAnErrorObject() throws IOException {
		start("false");
		try (SseClient first = post("/api/chat/openai")) {
			assertThat(first.next(1)).extracting(SseEvent::data).allSatisfy((data) -> assertThat(data).contains("Hel"));
			List<SseEvent> refused = post("/api/chat/openai").rest();
			assertThat(refused).extracting(SseEvent::event, SseEvent::data)
				.containsExactly(tuple("error", "{\"error\":" + BUSY.substring(0, BUSY.length() - 1)
					+ ",\"type\":\"api_error\",\"param\":null}}"));
			this.upstream.release();
			assertThat(first.rest()).last().extracting(SseEvent::data).isEqualTo("[DONE]");
		}
	}

	@Test
	void resumableStreamBeyondTheFullPoolGetsTheBusyErrorToo() throws IOException {
		start("true");
		try (SseClient first = post("/api/chat")) {
			assertThat(first.next(2)).extracting(SseEvent::event).containsExactly("stream", "token");
			List<SseEvent> refused = post("/api/chat").rest();
			assertThat(refused).extracting(SseEvent::event, SseEvent::data).containsExactly(tuple("error", BUSY));
			this.upstream.release();
			assertThat(first.rest()).extracting(SseEvent::event).containsExactly("token", "done");
		}
	}

	// A new application for each test: a pool thread that just finished a stream may not yet be back waiting for work,
	// and a pool of one with no queue would refuse the next test's first stream meanwhile.
	private void start(String resumable) {
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.relay.resumable", resumable, "spring.threads.virtual.enabled", "false",
				"spring.task.execution.pool.core-size", "1", "spring.task.execution.pool.max-size", "1",
				"spring.task.execution.pool.queue-capacity", "0"));
	}


}
