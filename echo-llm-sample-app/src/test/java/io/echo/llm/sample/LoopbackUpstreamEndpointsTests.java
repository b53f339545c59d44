package io.echo.llm.sample;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.echo.llm.sse.SseEvent;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.echo.llm.sample.JsonAssertions.chat;
import static io.echo.llm.sample.JsonAssertions.json;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both endpoints of the sample configured for a real provider: an OpenAI-compatible server on loopback that checks
 * the key, and that sees the connection close when a client goes away.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "echo.llm.retry.max-attempts=1", "echo.llm.relay.resume-window=200ms" })
class LoopbackUpstreamEndpointsTests {

	private static final LoopbackUpstream upstream = start();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("echo.llm.base-url", upstream::baseUrl);
		registry.add("echo.llm.api-key", () -> LoopbackUpstream.API_KEY);
		registry.add("echo.llm.model", () -> "up-model");
	}

	private static LoopbackUpstream start() {
		try {
			return new LoopbackUpstream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	/** Counts the async dispatches of {@code /v1} requests: each runs the filters and the DispatcherServlet again. */
	@TestConfiguration(proxyBeanMethods = false)
	static class AsyncDispatches {

		static final AtomicInteger count = new AtomicInteger();

		@Bean
		FilterRegistrationBean<Filter> asyncDispatchCounter() {
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
				count.incrementAndGet();
				chain.doFilter(request, response);
			});
			registration.setDispatcherTypes(DispatcherType.ASYNC);
			registration.addUrlPatterns("/v1/*");
			return registration;
		}

	}

	private SseClient client() {
		return new SseClient(this.port);
	}

	@Test
	void pageStreamRelaysTheProvidersTokensWithTheConfiguredKeyAndModel() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("Say hello"));

		assertThat(answer.tokenText()).isEqualTo("Hello from upstream");
		assertThat(answer.names()).endsWith("usage", "done");
		assertThat(upstream.requestHeaders().get(upstream.requestHeaders().size() - 1).getFirst("Authorization"))
			.isEqualTo("Bearer " + LoopbackUpstream.API_KEY);
		JsonNode sent = json(upstream.requestBodies().get(upstream.requestBodies().size() - 1));
		assertThat(sent.get("model").asString()).isEqualTo("up-model");
		assertThat(sent.get("stream").asBoolean()).isTrue();
	}

	@Test
	void openAiStreamRelaysTheProvidersChunksThenDone() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("Say hello", true));

		assertThat(answer.status()).isEqualTo(200);
		List<SseEvent> events = answer.events();
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		assertThat(answer.openAiContent()).isEqualTo("Hello from upstream");
	}

	@Test
	void openAiStreamCostsOneAsyncDispatchOfTheRequest() throws Exception {
		AsyncDispatches.count.set(0);
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("Say hello", true));

		assertThat(answer.openAiContent()).isEqualTo("Hello from upstream");
		// The emitter's end only: a deferred result in front of the emitter dispatched the request once more.
		assertThat(AsyncDispatches.count.get()).isEqualTo(1);

		AsyncDispatches.count.set(0);
		assertThat(client().post("/v1/chat/completions", openAi("over the limit", true)).status()).isEqualTo(429);
		assertThat(AsyncDispatches.count.get()).isEqualTo(1);
	}

	@Test
	void openAiRequestWithoutStreamReturnsTheProvidersCompletion() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("Say hello", false));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(json(answer.body()).at("/choices/0/message/content").asString()).isEqualTo("Hello from upstream");
		assertThat(json(answer.body()).at("/usage/total_tokens").asInt()).isEqualTo(7);
	}

	@Test
	void openAiStreamKeepsTheProvidersStatusAndRetryAfterButNotItsMessage() throws Exception {
		SseClient.Answer answer = client().post("/v1/chat/completions", openAi("over the limit", true));

		assertThat(answer.status()).isEqualTo(429);
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("7");
		JsonNode error = json(answer.body()).get("error");
		assertThat(error.get("type").asString()).isEqualTo("rate_limit_error");
		assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
		assertThat(answer.body()).doesNotContain(LoopbackUpstream.ECHOED_SECRET);
	}

	@Test
	void openAiErrorIsOneInfoLineNamingTheRequestIdWithoutTheProvidersText() throws Exception {
		Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		rootLogger.addAppender(logs);
		SseClient.Answer answer;
		try {
			answer = client().post("/v1/chat/completions", openAi("over the limit", false));
		}
		finally {
			rootLogger.detachAppender(logs);
		}
		String id = answer.headers().firstValue("X-Request-Id").orElseThrow();
		assertThat(id).startsWith("req_");
		List<String> lines;
		synchronized (logs) {
			lines = logs.list.stream()
				.filter((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
				.filter((event) -> event.getLoggerName().startsWith("io.echo.llm"))
				.map((event) -> event.getLevel() + " " + event.getFormattedMessage())
				.toList();
		}
		assertThat(lines).singleElement()
			.asString()
			.startsWith("INFO LLM call " + id + " failed (LlmApiException status 429 code rate_limit_exceeded): client ")
			.doesNotContain(LoopbackUpstream.ECHOED_SECRET);
	}

	@Test
	void openAiStreamAnsweredWithTheProvidersStatusIsLoggedAsFailedNotCancelled() throws Exception {
		Logger relayLogger = (Logger) LoggerFactory.getLogger("io.echo.llm.web.RelayLog");
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		relayLogger.addAppender(logs);
		try {
			// The status answer ends the request, and the request's end cancels the task: whichever ran first was
			// logged, so the line said "cancelled (client gone)" now and then.
			for (int i = 0; i < 10; i++) {
				SseClient.Answer answer = client().post("/v1/chat/completions", openAi("over the limit", true));
				assertThat(answer.status()).isEqualTo(429);
				String id = answer.headers().firstValue("X-Request-Id").orElseThrow();
				String line = awaitLine(logs, id);
				assertThat(line).as("the one line of %s", id)
					.startsWith("LLM stream " + id + " failed (LlmApiException status 429 code rate_limit_exceeded)");
			}
		}
		finally {
			relayLogger.detachAppender(logs);
		}
	}

	private static String awaitLine(ListAppender<ILoggingEvent> logs, String id) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			synchronized (logs) {
				List<String> lines = logs.list.stream()
					.map(ILoggingEvent::getFormattedMessage)
					.filter((message) -> message.contains(id))
					.toList();
				if (!lines.isEmpty()) {
					assertThat(lines).hasSize(1);
					return lines.get(0);
				}
			}
			Thread.sleep(10);
		}
		throw new AssertionError("No log line names " + id);
	}

	@Test
	void pageStreamReportsTheProvidersRateLimitWithoutItsMessage() throws Exception {
		SseClient.Answer answer = client().post("/api/chat", chat("over the limit"));

		// The resumable page stream names itself first, before the provider answers.
		assertThat(answer.names()).containsExactly("stream", "error");
		assertThat(json(answer.named("error").get(0).data()).get("status").asInt()).isEqualTo(429);
		assertThat(answer.body()).doesNotContain(LoopbackUpstream.ECHOED_SECRET);
	}

	@Test
	void closingThePageStreamClosesTheUpstreamConnectionOnceTheResumeWindowIsOver() throws Exception {
		try (SseClient.Opened stream = client().open("/api/chat", chat("endless please"))) {
			assertThat(stream.next().event()).isEqualTo("stream");
			assertThat(stream.next().event()).isEqualTo("token");
			assertThat(stream.next().event()).isEqualTo("token");
		}
		assertThat(upstream.closed().await(10, TimeUnit.SECONDS)).as("upstream saw the connection close").isTrue();
	}

}
