package io.echo.llm.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code echo.llm.relay.max-active-streams}: with the limit at two, two streams held open by the upstream, the third
 * is refused with {@code 503} and an OpenAI-shaped {@code relay_busy} error before any event, and once one of the two
 * ends a new stream is taken again.
 */
class LlmSseRelayLimitTests extends ScriptedUpstreamTests {

	private static final String BUSY = "{\"error\":{\"status\":503,\"code\":\"relay_busy\","
			+ "\"message\":\"Too many replies in progress; try again shortly\",\"type\":\"api_error\",\"param\":null}}";

	@Test
	void streamBeyondTheLimitIsRefusedWith503UntilOneEnds() throws Exception {
		start("false");
		assertLimitHolds("/api/chat/openai", "[DONE]");
	}

	// A resumable stream stays live after its client left, until its upstream ends: here after a short resume window.
	@Test
	void resumableStreamsCountTowardsTheLimit() throws Exception {
		start("true");
		assertLimitHolds("/api/chat", "done");
	}

	private void assertLimitHolds(String path, String last) throws Exception {
		this.upstream.reset().holdAfter(1);
		int requestsBefore = this.upstream.requests();
		SseClient first = post(path);
		try (SseClient second = post(path)) {
			first.next(1);
			second.next(1);
			// The browser format's first event (the stream's id) can come before its upstream call is made.
			assertThat(poll(() -> this.upstream.requests() == requestsBefore + 2)).as("both streams called the provider")
				.isTrue();
			SseClient refused = post(path);
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.contentType()).startsWith("application/json");
			assertThat(refused.body()).isEqualTo(BUSY);
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			assertThat(refused.header(LlmSseRelay.REQUEST_ID_HEADER)).startsWith("req_");
			assertThat(this.upstream.requests()).as("the refused stream never called the provider")
				.isEqualTo(requestsBefore + 2);
			// The first client leaves: its upstream is cancelled (within a second, or after the resume window), and a
			// place frees up.
			first.close();
			this.upstream.reset();
			SseClient accepted = acceptedWithin(path, Duration.ofSeconds(10));
			List<SseEvent> events = accepted.rest();
			assertThat(events).last().extracting((event) -> last.equals("done") ? event.event() : event.data())
				.isEqualTo(last);
		}
	}

	/** Asks again until a stream is taken or the deadline passes; each refusal comes back at once. */
	private SseClient acceptedWithin(String path, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Set<Integer> statuses = new TreeSet<>();
		while (System.nanoTime() < deadline) {
			SseClient client = post(path);
			if (client.status() == 200) {
				return client;
			}
			statuses.add(client.status());
			client.body();
			Thread.onSpinWait();
		}
		throw new AssertionError("No stream taken within " + timeout + "; statuses " + statuses);
	}

	private void start(String resumable) {
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.relay.resumable", resumable, "echo.llm.relay.resume-window", "300ms",
				"echo.llm.relay.max-active-streams", "2"));
	}


}
