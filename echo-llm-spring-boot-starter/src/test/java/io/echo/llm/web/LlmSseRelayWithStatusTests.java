package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.echo.llm.LlmException;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LlmSseRelay#relayWithStatus} driven the way an OpenAI client and a slow provider drive it: real Tomcat, a real
 * HTTP client that leaves in each phase, an upstream on a raw loopback socket that sees the close. Each phase ends
 * with the upstream closed, the relay's slot free, nothing scheduled, and one INFO line naming the client's id.
 */
class LlmSseRelayWithStatusTests extends ScriptedUpstreamTests {

	private CapturedLogs logs;

	@BeforeEach
	void startInstance() {
		this.upstream.reset();
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1"), StatusController.class);
		this.logs = CapturedLogs.of(RelayLog.class);
	}

	@AfterEach
	void detachLogs() {
		this.logs.close();
	}

	@Test
	void clientLeavingWhileTheProviderSendsNoStatusClosesTheUpstream() throws Exception {
		this.upstream.silent();
		String id;
		try (SseClient client = post("/api/chat/status")) {
			// The wait for the status ran out: the response started with 200 and a heartbeat.
			assertThat(client.status()).isEqualTo(200);
			id = client.header(LlmSseRelay.REQUEST_ID_HEADER);
		}
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
		assertReleased();
		assertLoggedOnce(id, "cancelled (client gone)");
	}

	@Test
	void clientLeavingMidStreamClosesTheUpstream() throws Exception {
		this.upstream.holdAfter(1);
		String id;
		try (SseClient client = post("/api/chat/status")) {
			assertThat(client.status()).isEqualTo(200);
			id = client.header(LlmSseRelay.REQUEST_ID_HEADER);
			assertThat(client.next().data()).contains("Hel");
		}
		assertThat(this.upstream.awaitClosed(Duration.ofSeconds(1))).as("upstream saw the close").isTrue();
		assertReleased();
		assertLoggedOnce(id, "cancelled (client gone)");
	}

	@Test
	void completedStreamsLeaveNoSlotNorHeartbeat() throws Exception {
		for (int i = 0; i < 20; i++) {
			try (SseClient client = post("/api/chat/status")) {
				List<SseEvent> events = client.rest();
				assertThat(events).last().extracting(SseEvent::data).isEqualTo("[DONE]");
			}
		}
		assertReleased();
		assertThat(this.logs.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO)).isEmpty();
	}

	/**
	 * An application that returns {@code relayWithStatus} and maps no failure (the starter's own setup) still answers
	 * an early provider failure with the provider's status and OpenAI's error JSON, as the other relays do, instead of
	 * an empty 500; and the failure is logged once, at INFO, with no stack trace and none of the provider's text.
	 * The provider echoes the key in each field of its error.
	 */
	@Test
	void earlyFailureInAnApplicationThatMapsNoneIsTheProvidersStatusAsOpenAiJson() throws Exception {
		String key = "sk-proj-Zx81QpLm4NvT7rW2yK9bC3dF";
		try (EchoingUpstream echoing = new EchoingUpstream(key)) {
			this.instance.close();
			this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", echoing.baseUrl(),
					"echo.llm.api-key", key, "echo.llm.retry.max-attempts", "1"), UnmappedController.class);
			try (CapturedLogs all = CapturedLogs.all()) {
				for (String field : EchoingUpstream.FIELDS) {
					all.clear();
					String prompt = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"echo status "
							+ field + " raw\"}]}";
					try (SseClient client = SseClient.post(URI.create("http://127.0.0.1:"
							+ RelayTestApplication.port(this.instance) + "/api/chat/unmapped"), prompt)) {
						assertThat(client.status()).as(field).isEqualTo(401);
						assertThat(client.contentType()).startsWith("application/json");
						String id = client.header(LlmSseRelay.REQUEST_ID_HEADER);
						JsonNode error = ChatJson.mapper().readTree(client.body()).path("error");
						assertThat(error.path("status").asInt()).isEqualTo(401);
						assertThat(error.path("type").asString()).isEqualTo("authentication_error");
						assertThat(error.path("message").asString()).isEqualTo("The LLM provider answered HTTP 401");
						assertThat(error.toString()).doesNotContain(key.substring(8));
						assertThat(all.events()).as("no WARN or ERROR of Tomcat's or Spring's")
							.noneMatch((event) -> event.getLevel().isGreaterOrEqual(Level.WARN));
						assertThat(all.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO)
								&& event.getLoggerName().startsWith("io.echo.llm"))
							.singleElement()
							.satisfies((event) -> {
								assertThat(event.getLoggerName()).isEqualTo(RelayLog.class.getName());
								assertThat(event.getFormattedMessage()).contains(id).contains("failed");
								assertThat(event.getThrowableProxy()).isNull();
							});
					}
				}
			}
			assertReleased();
		}
	}

	/** With no executor thread free, the same application answers 503 relay_busy as OpenAI JSON, not an empty 500. */
	@Test
	void streamTheExecutorRefusesInAnApplicationThatMapsNoneIs503RelayBusy() throws Exception {
		this.instance.close();
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1", "spring.task.execution.pool.core-size", "1",
				"spring.task.execution.pool.max-size", "1", "spring.task.execution.pool.queue-capacity", "0"),
				UnmappedController.class);
		this.upstream.pauseAfter(1);
		try (SseClient holding = post("/api/chat/unmapped")) {
			assertThat(holding.next().data()).contains("Hel");
			try (SseClient refused = post("/api/chat/unmapped")) {
				assertThat(refused.status()).isEqualTo(503);
				assertThat(refused.contentType()).startsWith("application/json");
				assertThat(refused.header("Retry-After")).isEqualTo("1");
				assertThat(refused.body()).isEqualTo(RelayError.BUSY.toOpenAiJson().toString());
			}
			// The one thread is the held stream's: let it finish (no thread is left for its heartbeat either).
			this.upstream.release();
			assertThat(holding.rest()).last().extracting(SseEvent::data).isEqualTo("[DONE]");
		}
		assertReleased();
	}

	/**
	 * A stream refused at the admission limit never reaches Spring MVC: nothing may stay counted as an open response,
	 * or every shutdown after it would wait out its phase's whole timeout for a response that never ends.
	 */
	@Test
	void streamRefusedAtTheAdmissionLimitLeavesNoResponseForAShutdownToWaitFor() throws Exception {
		this.instance.close();
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1", "echo.llm.relay.max-active-streams", "1"), StatusController.class);
		this.upstream.pauseAfter(1);
		try (SseClient holding = post("/api/chat/status")) {
			assertThat(holding.next().data()).contains("Hel");
			try (SseClient refused = post("/api/chat/status")) {
				assertThat(refused.status()).isEqualTo(503);
			}
			this.upstream.release();
			assertThat(holding.rest()).last().extracting(SseEvent::data).isEqualTo("[DONE]");
		}
		assertReleased();
		LlmSseRelay relay = this.instance.getBean(LlmSseRelay.class);
		assertThat(poll(() -> relay.openResponses() == 0)).as("no response left open").isTrue();
	}


	private void assertReleased() throws InterruptedException {
		LlmSseRelay relay = this.instance.getBean(LlmSseRelay.class);
		assertThat(poll(() -> relay.activeStreams() == 0)).as("the relay's slot is free").isTrue();
		assertThat(poll(() -> relay.heartbeats().idle())).as("nothing scheduled").isTrue();
	}

	private void assertLoggedOnce(String id, String what) throws InterruptedException {
		assertThat(id).startsWith("req_");
		poll(() -> !this.logs.events().isEmpty());
		assertThat(this.logs.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.singleElement()
			.satisfies((event) -> assertThat(event.getFormattedMessage()).contains(id).contains(what));
	}

	/** An OpenAI-compatible endpoint as an application writes one: the relay's status, errors as OpenAI JSON. */
	@RestController
	static class StatusController {

		private final LlmSseRelay relay;

		private final LlmStreamService service;

		StatusController(LlmSseRelay relay, LlmStreamService service) {
			this.relay = relay;
			this.service = service;
		}

		@PostMapping("/api/chat/status")
		SseEmitter chat(@RequestBody ChatCompletionRequest request) {
			return this.relay.relayWithStatus(this.service, request, RelayFormat.OPENAI);
		}

		@ExceptionHandler
		ResponseEntity<String> failed(LlmException ex) {
			RelayError error = RelayError.of(ex);
			return ResponseEntity.status(error.status())
				.contentType(MediaType.APPLICATION_JSON)
				.body(error.toOpenAiJson().toString());
		}

	}

	/** The same endpoint in an application that maps no failure: what it gets from the starter alone. */
	@RestController
	static class UnmappedController {

		private final LlmSseRelay relay;

		private final LlmStreamService service;

		UnmappedController(LlmSseRelay relay, LlmStreamService service) {
			this.relay = relay;
			this.service = service;
		}

		@PostMapping("/api/chat/unmapped")
		SseEmitter chat(@RequestBody ChatCompletionRequest request) {
			return this.relay.relayWithStatus(this.service, request, RelayFormat.OPENAI);
		}

	}

}
