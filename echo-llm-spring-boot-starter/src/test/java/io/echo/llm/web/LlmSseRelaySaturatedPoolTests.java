package io.echo.llm.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a platform-thread pool with no queue (what the starter recommends on Java 17), every thread of which holds a
 * stream, the heartbeat still finds a client that left while the provider is silent: the executor refuses the
 * comment's write, which then goes to a small pool of its own instead of being dropped until the engine's idle timeout
 * (60 s) ends a call that nobody reads.
 */
class LlmSseRelaySaturatedPoolTests extends ScriptedUpstreamTests {

	@Test
	void clientLeavingWhileEveryPoolThreadHoldsAStreamClosesTheUpstreamWithinOneSecond() throws Exception {
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1", "spring.threads.virtual.enabled", "false",
				"spring.task.execution.pool.core-size", "1", "spring.task.execution.pool.max-size", "1",
				"spring.task.execution.pool.queue-capacity", "0"));
		// The provider answers 200 with its headers, then sends nothing: the stream holds the pool's only thread.
		this.upstream.reset().holdAfter(0);
		try (SseClient client = post("/api/chat/openai")) {
			assertThat(client.status()).isEqualTo(200);
			LlmSseRelay relay = this.instance.getBean(LlmSseRelay.class);
			assertThat(relay.activeStreams()).isEqualTo(1);
			// Closing the body closes the connection, as a closed browser tab does.
			client.close();
			assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
		}
	}

}
