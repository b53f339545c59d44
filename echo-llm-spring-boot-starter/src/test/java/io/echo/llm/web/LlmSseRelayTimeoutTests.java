package io.echo.llm.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay built with a timeout of its own, driven by a real client against a provider that stops sending: the
 * stream ends at the timeout with a timeout error (an {@code error} event, or the status before the response
 * started), the upstream is closed, the failure is logged once at INFO under the client's id, and nothing of
 * Spring MVC's timeout handling reaches the log at WARN.
 */
class LlmSseRelayTimeoutTests extends ScriptedUpstreamTests {

	private CapturedLogs logs;

	@BeforeEach
	void startInstance() {
		this.upstream.reset();
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1"), TimeoutController.class);
		this.logs = CapturedLogs.all();
	}

	@AfterEach
	void detachLogs() {
		this.logs.close();
	}

	@Test
	void providerThatStopsMidStreamEndsAtTheRelaysTimeoutWithATimeoutErrorEvent() throws Exception {
		this.upstream.holdAfter(1);
		String id;
		try (SseClient client = post("/api/chat/timeout")) {
			assertThat(client.status()).isEqualTo(200);
			id = client.header(LlmSseRelay.REQUEST_ID_HEADER);
			assertThat(client.next().data()).contains("Hel");
			List<SseEvent> rest = client.rest();
			assertThat(rest).as("%s", rest).singleElement().satisfies((event) -> {
				assertThat(event.event()).isEqualTo("error");
				JsonNode error = ChatJson.mapper().readTree(event.data()).path("error");
				assertThat(error.path("code").asString()).isEqualTo("overall_timeout");
				assertThat(error.path("message").asString()).isEqualTo("LLM stream overall timeout after 2000 ms");
			});
		}
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
		assertLoggedOnce(id, "failed (LlmTimeoutException");
	}

	@Test
	void providerThatNeverAnswersIsAnsweredWithGatewayTimeoutBeforeTheResponseStarts() throws Exception {
		this.upstream.silent();
		try (SseClient client = post("/api/chat/timeout-status")) {
			// The relay's timeout (300 ms) comes before the wait for the provider's status (500 ms) runs out.
			assertThat(client.status()).isEqualTo(504);
			assertThat(client.contentType()).startsWith("application/json");
			JsonNode error = ChatJson.mapper().readTree(client.body()).path("error");
			assertThat(error.path("code").asString()).isEqualTo("overall_timeout");
			assertLoggedOnce(client.header(LlmSseRelay.REQUEST_ID_HEADER), "failed (LlmTimeoutException");
		}
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
	}


	private void assertLoggedOnce(String id, String what) throws InterruptedException {
		assertThat(id).startsWith("req_");
		assertThat(poll(() -> this.logs.events().stream().anyMatch((event) -> event.getFormattedMessage().contains(id))))
			.isTrue();
		TimeoutController controller = this.instance.getBean(TimeoutController.class);
		for (LlmSseRelay relay : List.of(controller.relay, controller.quickRelay)) {
			assertThat(poll(() -> relay.activeStreams() == 0)).as("the relay's slot is free").isTrue();
			assertThat(poll(() -> relay.heartbeats().idle())).as("nothing scheduled, the deadline included").isTrue();
		}
		assertThat(this.logs.events()).as("nothing at WARN or above, Spring MVC's timeout handling included")
			.noneMatch((event) -> event.getLevel().isGreaterOrEqual(Level.WARN));
		assertThat(this.logs.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO)
				&& event.getLoggerName().startsWith("io.echo.llm"))
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.getFormattedMessage()).contains(id).contains(what);
				assertThat(event.getThrowableProxy()).isNull();
			});
	}

	/**
	 * An application's own relays with a limit on each response: 2 s, which leaves a loaded machine time for the
	 * first chunk, and 300 ms, less than the relay's wait for the provider's status.
	 */
	@RestController
	static class TimeoutController implements DisposableBean {

		final LlmSseRelay relay;

		final LlmSseRelay quickRelay;

		private final LlmStreamService service;

		TimeoutController(LlmStreamService service, AsyncTaskExecutor executor) {
			this.service = service;
			this.relay = new LlmSseRelay(service, executor, Duration.ofSeconds(2));
			this.quickRelay = new LlmSseRelay(service, executor, Duration.ofMillis(300));
		}

		@PostMapping("/api/chat/timeout")
		SseEmitter chat(@RequestBody ChatCompletionRequest request) {
			return this.relay.relay(this.service, request, RelayFormat.OPENAI);
		}

		@PostMapping("/api/chat/timeout-status")
		SseEmitter chatWithStatus(@RequestBody ChatCompletionRequest request) {
			return this.quickRelay.relayWithStatus(this.service, request, RelayFormat.OPENAI);
		}

		@Override
		public void destroy() {
			this.relay.close();
			this.quickRelay.close();
		}

	}

}
