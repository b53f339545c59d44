package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resumable stream larger than {@code echo.llm.relay.max-stream-bytes}: the client that asked gets all of it, a
 * follower that comes too late is told what it missed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResumableRelayLimitsTests {

	private ScriptedUpstream upstream;

	private ConfigurableApplicationContext instance;

	@BeforeAll
	void start() throws IOException {
		this.upstream = new ScriptedUpstream();
		this.upstream.reset().tokens(IntStream.rangeClosed(1, 40).mapToObj((i) -> "token" + i + " ").toList());
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.relay.resumable", "true", "echo.llm.relay.max-stream-bytes", "300B"));
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
