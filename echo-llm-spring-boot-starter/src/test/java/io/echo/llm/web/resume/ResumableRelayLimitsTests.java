package io.echo.llm.web.resume;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.web.SseClient;
import io.echo.llm.web.ScriptedUpstream;
import io.echo.llm.web.RelayTestApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's limits seen from a client: a stream larger than {@code echo.llm.relay.max-stream-bytes} (the client that
 * asked gets all of it, a follower that comes too late is told what it missed), and {@code echo.llm.relay.max-streams}
 * (here 1) full of a reply still being written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResumableRelayLimitsTests {

	private ScriptedUpstream upstream;

	private ConfigurableApplicationContext instance;

	@BeforeAll
	void start() throws IOException {
		this.upstream = new ScriptedUpstream();
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.relay.resumable", "true", "echo.llm.relay.max-stream-bytes", "300B",
				"echo.llm.relay.max-streams", "1"));
	}

	@BeforeEach
	void resetUpstream() {
		this.upstream.reset().tokens(IntStream.rangeClosed(1, 40).mapToObj((i) -> "token" + i + " ").toList());
	}

	@Test
	void replyWhileEverySlotHoldsAReplyStillWrittenGetsABusyError() throws Exception {
		this.upstream.holdAfter(1);
		try (SseClient first = AbstractResumableRelayTests.chat(base())) {
			String streamId = AbstractResumableRelayTests.streamId(first.next(2).get(0));
			List<SseEvent> refused = AbstractResumableRelayTests.chat(base()).rest();
			assertThat(refused).extracting(SseEvent::event).containsExactly("error");
			assertThat(refused.get(0).data()).startsWith("{\"status\":503,\"code\":\"relay_busy\",");
			SseClient.delete(AbstractResumableRelayTests.streamUri(base(), streamId));
			assertThat(first.rest()).extracting(SseEvent::event).containsExactly("done");
		}
		assertThat(this.upstream.awaitClosed(10)).isTrue();
	}

	@AfterAll
	void stop() throws IOException {
		this.instance.close();
		this.upstream.close();
	}

	@Test
	void clientThatAskedGetsTheWholeReplyEvenBeyondTheCap() throws IOException {
		List<SseEvent> events = AbstractResumableRelayTests.chat(base()).rest();
		assertThat(events).filteredOn((event) -> event.event().equals("token")).hasSize(40);
	}

	@Test
	void followerBehindTheCapGetsAnErrorInsteadOfAGap() throws IOException {
		List<SseEvent> events = AbstractResumableRelayTests.chat(base()).rest();
		String streamId = AbstractResumableRelayTests.streamId(events.get(0));
		try (SseClient late = SseClient.get(AbstractResumableRelayTests.streamUri(base(), streamId), Map.of())) {
			List<SseEvent> replay = late.rest();
			assertThat(replay).hasSize(1);
			assertThat(replay.get(0).event()).isEqualTo("error");
			assertThat(replay.get(0).data()).startsWith("{\"status\":410,\"code\":\"stream_events_evicted\",")
				.contains("events of this reply were dropped");
		}
	}

	private URI base() {
		return AbstractResumableRelayTests.uri(this.instance);
	}

}
