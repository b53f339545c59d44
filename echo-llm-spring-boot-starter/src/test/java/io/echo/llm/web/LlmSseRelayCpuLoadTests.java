package io.echo.llm.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code echo.llm.relay.max-cpu-load}: while every core of the host is busy (here with threads that spin, as a
 * neighbour or a batch job would), a new stream is refused with {@code 503 relay_busy} and one INFO line before it
 * costs anything, where it would otherwise be taken and slow every stream down; once the cores are free again, a new
 * stream is taken.
 */
class LlmSseRelayCpuLoadTests extends ScriptedUpstreamTests {

	private static final String BUSY = "{\"error\":{\"status\":503,\"code\":\"relay_busy\","
			+ "\"message\":\"Too many replies in progress; try again shortly\",\"type\":\"api_error\",\"param\":null}}";

	@Test
	void streamComingWhileTheHostsCoresAreBusyIsRefusedUntilTheyAreFree() throws Exception {
		this.instance = RelayTestApplication.start(Map.of("echo.llm.base-url", this.upstream.baseUrl(),
				"echo.llm.retry.max-attempts", "1", "echo.llm.relay.max-cpu-load", "0.9"));
		LlmSseRelay relay = this.instance.getBean(LlmSseRelay.class);
		this.upstream.reset();
		AtomicBoolean spin = new AtomicBoolean(true);
		List<Thread> spinners = new ArrayList<>();
		try (CapturedLogs logs = CapturedLogs.of(RelayLog.class)) {
			for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
				Thread spinner = new Thread(() -> {
					while (spin.get()) {
						Thread.onSpinWait();
					}
				}, "spinner-" + i);
				spinner.setDaemon(true);
				spinner.start();
				spinners.add(spinner);
			}
			assertThat(poll(relay::hostBusy)).as("the relay sees the cores busy").isTrue();
			SseClient refused = post("/api/chat/openai");
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.contentType()).startsWith("application/json");
			assertThat(refused.body()).isEqualTo(BUSY);
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			String id = refused.header(LlmSseRelay.REQUEST_ID_HEADER);
			assertThat(id).startsWith("req_");
			assertThat(this.upstream.requests()).as("the refused stream never called the provider").isZero();
			List<ILoggingEvent> refusals = logs.events().stream()
				.filter((event) -> event.getFormattedMessage().contains("refused"))
				.toList();
			assertThat(refusals).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.INFO);
				assertThat(event.getFormattedMessage()).contains(id, "0 streams live",
						"at or above echo.llm.relay.max-cpu-load (90 %) for a second");
				assertThat(event.getThrowableProxy()).isNull();
			});
			spin.set(false);
			for (Thread spinner : spinners) {
				spinner.join();
			}
			assertThat(poll(() -> !relay.hostBusy())).as("the relay sees the cores free again").isTrue();
			try (SseClient accepted = post("/api/chat/openai")) {
				assertThat(accepted.status()).isEqualTo(200);
				assertThat(accepted.rest()).last().extracting(SseEvent::data).isEqualTo("[DONE]");
			}
		}
		finally {
			spin.set(false);
		}
	}

}
