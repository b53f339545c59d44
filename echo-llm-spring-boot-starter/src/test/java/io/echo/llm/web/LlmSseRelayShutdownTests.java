package io.echo.llm.web;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application closes (SIGTERM) while a relayed stream is live and its provider is silent. Boot's graceful shutdown
 * (the default) gives the stream {@code spring.lifecycle.timeout-per-shutdown-phase} to finish; then, before the web
 * server closes the connection, the client gets a {@code 503 server_shutting_down} error event it can tell from a
 * normal end (it used to see the connection cut without a word, and the resumable relay logged two WARN lines of
 * Spring MVC), the upstream is closed, and the stream is logged once at INFO under the id its client saw.
 */
class LlmSseRelayShutdownTests extends ScriptedUpstreamTests {

	@ParameterizedTest(name = "{0} resumable={1}")
	@CsvSource({ "/api/chat/openai, false", "/api/chat, false", "/api/chat/unmapped, false", "/api/chat, true" })
	void liveStreamEndsWithAShutdownErrorEventAndClosesItsUpstream(String path, boolean resumable) throws Exception {
		this.upstream.reset().holdAfter(1);
		Map<String, Object> properties = new HashMap<>();
		properties.put("echo.llm.base-url", this.upstream.baseUrl());
		properties.put("echo.llm.retry.max-attempts", "1");
		properties.put("echo.llm.relay.resumable", String.valueOf(resumable));
		properties.put("spring.lifecycle.timeout-per-shutdown-phase", "1s");
		this.instance = RelayTestApplication.start(properties, LlmSseRelayWithStatusTests.UnmappedController.class);
		try (CapturedLogs logs = CapturedLogs.all()) {
			URI uri = URI.create("http://127.0.0.1:" + RelayTestApplication.port(this.instance) + path);
			String id;
			List<SseEvent> rest;
			CompletableFuture<Void> closing;
			try (SseClient client = SseClient.post(uri, PROMPT)) {
				assertThat(client.status()).isEqualTo(200);
				SseEvent first = client.next();
				assertThat(first).isNotNull();
				id = resumable ? first.id().substring(0, first.id().indexOf(':'))
						: client.header(LlmSseRelay.REQUEST_ID_HEADER);
				closing = CompletableFuture.runAsync(this.instance::close);
				rest = client.rest();
			}
			closing.get(20, TimeUnit.SECONDS);
			this.instance = null;
			assertThat(rest).last().satisfies((event) -> {
				assertThat(event.data()).contains("\"code\":\"server_shutting_down\"").contains("\"status\":503");
				if (!path.endsWith("openai") && !path.equals("/api/chat/unmapped")) {
					assertThat(event.event()).isEqualTo("error");
				}
			});
			assertThat(this.upstream.awaitClosed(Duration.ofSeconds(2))).as("upstream saw the close").isTrue();
			// INFO and above: whether the cause at DEBUG is logged too depends on the levels earlier tests left.
			assertThat(logs.events()).filteredOn((event) -> event.getLoggerName().equals(RelayLog.class.getName()))
				.filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
				.singleElement()
				.satisfies((event) -> {
					assertThat(event.getLevel()).isEqualTo(Level.INFO);
					assertThat(event.getFormattedMessage()).contains(id).contains("server_shutting_down");
				});
			// Tomcat's check for threads the web application left running may name an idle thread of Boot's task
			// executor, which Boot stops after the web server: the executor's lifecycle, not the relay's.
			assertThat(logs.events()).filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.filteredOn((event) -> !event.getLoggerName().startsWith("org.apache.catalina.loader"))
				.isEmpty();
			assertThat(logs.events()).allSatisfy((event) -> assertThat(event.getThrowableProxy()).isNull());
		}
	}

}
