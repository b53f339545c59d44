package io.echo.llm.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.ChatMessage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user with {@code spring-boot-starter-actuator} sees of LLM calls: the OpenTelemetry GenAI meters in
 * {@code /actuator/metrics} of a running application (real Tomcat, the real engine against a loopback upstream), and
 * never a prompt, a completion or a key in a meter or an observation.
 */
@SpringBootTest(classes = GenAiObservationIntegrationTests.ObservedApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=relay-test", "management.endpoints.web.exposure.include=metrics" })
class GenAiObservationIntegrationTests {

	private static final String PROMPT_MARKER = "prompt-marker-5e1f";

	private static final SseUpstream upstream = startUpstream();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamPort(DynamicPropertyRegistry registry) {
		registry.add("upstream.port", upstream::port);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@Test
	void actuatorListsTheGenAiMetersAfterOneCall() throws Exception {
		assertThat(chat("script " + PROMPT_MARKER)).contains("event: done");
		JsonNode names = get("/actuator/metrics").path("names");
		assertThat(names.valueStream().map(JsonNode::asString)).contains("gen_ai.client.operation",
				"gen_ai.client.token.usage", "gen_ai.client.operation.time_to_first_chunk",
				"gen_ai.client.operation.time_per_output_chunk");
		JsonNode operation = get("/actuator/metrics/gen_ai.client.operation");
		assertThat(tagValues(operation, "gen_ai.operation.name")).containsExactly("chat");
		assertThat(tagValues(operation, "gen_ai.provider.name")).containsExactly("openai");
		assertThat(tagValues(operation, "gen_ai.request.model")).contains("relay-model");
		assertThat(tagValues(operation, "server.address")).contains("127.0.0.1");
		assertThat(tagValues(operation, "server.port")).contains(String.valueOf(upstream.port()));
		JsonNode input = get("/actuator/metrics/gen_ai.client.token.usage?tag=gen_ai.token.type:input");
		assertThat(input.path("measurements").path(0).path("statistic").asString()).isEqualTo("COUNT");
		assertThat(input.path("measurements").path(0).path("value").asDouble()).isPositive();
		JsonNode usage = get("/actuator/metrics/gen_ai.client.token.usage");
		assertThat(tagValues(usage, "gen_ai.token.type")).containsExactlyInAnyOrder("input", "output");
	}

	@Test
	void noMeterOrObservationCarriesAPromptACompletionOrAKey(@Autowired MeterRegistry meters,
			@Autowired ContextRecorder observations, @Autowired LlmStreamService service) throws Exception {
		assertThat(chat("script " + PROMPT_MARKER)).contains("lo \u00e9").contains("event: done");
		assertThat(chat("rate-limit " + PROMPT_MARKER)).contains("event: error");
		service.complete(ChatCompletionRequest.builder()
			.message(ChatMessage.user("complete-me " + PROMPT_MARKER))
			.build());
		List<String> recorded = new ArrayList<>();
		for (Meter meter : meters.getMeters()) {
			Meter.Id id = meter.getId();
			recorded.add(id.getName() + " " + id.getTags() + " " + id.getDescription() + " " + id.getBaseUnit());
		}
		for (Observation.Context context : observations.contexts) {
			recorded.add(context.getName() + " " + context.getContextualName() + " "
					+ context.getLowCardinalityKeyValues() + " " + context.getHighCardinalityKeyValues());
		}
		assertThat(recorded).anySatisfy((line) -> assertThat(line).contains("gen_ai.client.operation"));
		assertThat(observations.contexts).anySatisfy(
				(context) -> assertThat(context.getName()).isEqualTo("gen_ai.client.operation"));
		assertThat(recorded).allSatisfy((line) -> assertThat(line).doesNotContain(PROMPT_MARKER)
			.doesNotContain("sk-relay-test-top-secret")
			.doesNotContain("header-secret-value")
			.doesNotContain(SseUpstream.ECHOED_SECRET)
			.doesNotContain("lo \u00e9")
			.doesNotContain("Think")
			.doesNotContain("get_time")
			.doesNotContain("Done"));
	}

	private String chat(String prompt) throws Exception {
		String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/chat"))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = this.http.send(request, BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return ChatJson.mapper().readTree(response.body());
	}

	private static List<String> tagValues(JsonNode metric, String tag) {
		for (JsonNode available : metric.path("availableTags")) {
			if (available.path("tag").asString().equals(tag)) {
				return available.path("values").valueStream().map(JsonNode::asString).toList();
			}
		}
		return List.of();
	}

	private static SseUpstream startUpstream() {
		try {
			return new SseUpstream();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Keeps every observation context that stopped, to scan its key values. */
	static class ContextRecorder implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(RelayTestApplication.ChatController.class)
	static class ObservedApplication {

		@Bean
		ContextRecorder contextRecorder() {
			return new ContextRecorder();
		}

	}

}
