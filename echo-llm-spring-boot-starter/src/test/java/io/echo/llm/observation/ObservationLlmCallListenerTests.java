package io.echo.llm.observation;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmCallListener.Call;
import io.echo.llm.LlmCallListener.CallInfo;
import io.echo.llm.LlmCallListener.Outcome;
import io.echo.llm.LlmException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatJson;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationLlmCallListenerTests {

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AtomicInteger stops = new AtomicInteger();

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationLlmCallListener listener = new ObservationLlmCallListener(this.observations, this.meters);

	@BeforeEach
	void countStops() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				ObservationLlmCallListenerTests.this.stops.incrementAndGet();
				ObservationLlmCallListenerTests.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
	}

	@Test
	void successIsOneStoppedObservationWithTheGenAiKeys() {
		Call call = this.listener.start(new CallInfo("fast", "gpt-4o-mini", true, "api.example.com", 443));
		call.chunk(chunk("{\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[]}"));
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasNameEqualTo("gen_ai.client.operation")
			.hasContextualNameEqualTo("chat gpt-4o-mini")
			.hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
			.hasLowCardinalityKeyValue("gen_ai.provider.name", "openai")
			.hasLowCardinalityKeyValue("gen_ai.request.model", "gpt-4o-mini")
			.hasLowCardinalityKeyValue("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
			.hasLowCardinalityKeyValue("server.address", "api.example.com")
			.hasLowCardinalityKeyValue("server.port", "443")
			.hasLowCardinalityKeyValue("error.type", "none")
			.hasLowCardinalityKeyValue("echo.llm.client", "fast")
			.hasLowCardinalityKeyValue("echo.llm.streaming", "true")
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void skippedEventsAreCountedOnTheObservationAndAMeter() {
		Call call = this.listener.start(new CallInfo("default", "m", true, "h", 80));
		call.skippedEvent();
		call.chunk(chunk("{\"model\":\"m\",\"choices\":[]}"));
		call.skippedEvent();
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasHighCardinalityKeyValue("echo.llm.client.skipped.events", "2");
		assertThat(this.meters.get("echo.llm.client.skipped.events").counter().count()).isEqualTo(2.0);
	}

	@Test
	void everyCallHasTheSameKeysSoTheTimerKeepsOneSetOfTags() {
		this.listener.start(new CallInfo("default", "m", true, "h", 80)).end(Outcome.SUCCESS, null);
		this.listener.start(new CallInfo("default", null, false))
			.end(Outcome.ERROR, new LlmNetworkException("down", null));
		this.listener.start(new CallInfo("default", "m", true)).end(Outcome.CANCELLED, null);
		assertThat(this.stopped).hasSize(3)
			.extracting((context) -> context.getLowCardinalityKeyValues()
				.stream()
				.map(KeyValue::getKey)
				.collect(Collectors.toSet()))
			.containsOnly(Set.of("gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
					"gen_ai.response.model", "server.address", "server.port", "error.type", "echo.llm.client",
					"echo.llm.streaming"));
	}

	@Test
	void errorIsRecordedWithItsKind() {
		LlmApiException failure = new LlmApiException(429, "rate_limit_exceeded", "slow down", null);
		this.listener.start(new CallInfo("default", null, false)).end(Outcome.ERROR, failure);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("gen_ai.request.model", "none")
			.hasLowCardinalityKeyValue("gen_ai.response.model", "none")
			.hasLowCardinalityKeyValue("server.address", "none")
			.hasLowCardinalityKeyValue("echo.llm.streaming", "false")
			.hasLowCardinalityKeyValue("error.type", "api_error")
			.hasError(failure)
			.hasBeenStopped();
	}

	@Test
	void cancelIsRecordedAsCancelled() {
		this.listener.start(new CallInfo("default", "m", true)).end(Outcome.CANCELLED, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("error.type", "cancelled")
			.hasBeenStopped();
	}

	@ParameterizedTest
	@EnumSource(LlmTimeoutException.Kind.class)
	void timeoutErrorTypeNamesItsKind(LlmTimeoutException.Kind kind) {
		LlmTimeoutException failure = new LlmTimeoutException(kind, Duration.ofSeconds(1));
		this.listener.start(new CallInfo("default", "m", true)).end(Outcome.ERROR, failure);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("error.type", kind.name().toLowerCase() + "_timeout");
	}

	@Test
	void otherFailuresAreNamedByType() {
		assertThat(ObservationLlmCallListener.errorType(Outcome.ERROR, new LlmNetworkException("down", null)))
			.isEqualTo("network_error");
		assertThat(ObservationLlmCallListener.errorType(Outcome.ERROR, new LlmException("?"))).isEqualTo("error");
	}

	@Test
	void observationIsStoppedExactlyOnceWhenEndIsCalledAgain() {
		Call call = this.listener.start(new CallInfo("default", "m", true));
		call.end(Outcome.CANCELLED, null);
		call.end(Outcome.SUCCESS, null);
		assertThat(this.stops).hasValue(1);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("error.type", "cancelled");
	}

	@Test
	void spansGetTheUsageAndKnownFinishReasons() {
		Call call = this.listener.start(new CallInfo("default", "m", true));
		call.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"},"
				+ "{\"index\":1,\"delta\":{},\"finish_reason\":\"whatever the provider says\"}],"
				+ "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"));
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasHighCardinalityKeyValue("gen_ai.usage.input_tokens", "5")
			.hasHighCardinalityKeyValue("gen_ai.usage.output_tokens", "7")
			.hasHighCardinalityKeyValue("gen_ai.response.finish_reasons", "other,stop");
	}

	@Test
	void withMicrometerTracingEachCallIsOneSpanWithTheSameAttributes() {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		Call call = new ObservationLlmCallListener(registry, null)
			.start(new CallInfo("default", "gpt-4o", true, "127.0.0.1", 8080));
		call.chunk(chunk("{\"model\":\"gpt-4o\",\"choices\":[],"
				+ "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"));
		call.end(Outcome.SUCCESS, null);
		SimpleSpan span = tracer.onlySpan();
		assertThat(span.getName()).isEqualTo("chat gpt-4o");
		assertThat(span.getEndTimestamp()).isAfterOrEqualTo(span.getStartTimestamp());
		assertThat(span.getTags()).containsEntry("gen_ai.operation.name", "chat")
			.containsEntry("gen_ai.provider.name", "openai")
			.containsEntry("gen_ai.request.model", "gpt-4o")
			.containsEntry("gen_ai.response.model", "gpt-4o")
			.containsEntry("server.address", "127.0.0.1")
			.containsEntry("server.port", "8080")
			.containsEntry("error.type", "none")
			.containsEntry("gen_ai.usage.input_tokens", "5")
			.containsEntry("gen_ai.usage.output_tokens", "7");
	}

	@Test
	void metersCountChunksRetriesTimeoutsAndTimeChunks() {
		Call call = this.listener.start(new CallInfo("fast", "m", true));
		call.retry(1, new LlmNetworkException("reset", null));
		call.timeout(LlmTimeoutException.Kind.FIRST_CHUNK);
		call.firstChunk();
		call.chunk(chunk("{\"model\":\"m-1\",\"choices\":[]}"));
		call.chunk(chunk("{\"choices\":[]}"));
		call.chunk(chunk("{\"choices\":[]}"));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("echo.llm.client.retries").tag("echo.llm.client", "fast").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("echo.llm.client.timeouts").tag("kind", "first_chunk").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("echo.llm.client.chunks").tag("gen_ai.request.model", "m").counter().count())
			.isEqualTo(3);
		Timer firstChunk = this.meters.get("gen_ai.client.operation.time_to_first_chunk")
			.tag("gen_ai.response.model", "m-1")
			.timer();
		assertThat(firstChunk.count()).isEqualTo(1);
		assertThat(firstChunk.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(this.meters.get("gen_ai.client.operation.time_per_output_chunk")
			.tag("gen_ai.response.model", "m-1")
			.timer()
			.count()).isEqualTo(2);
	}

	@Test
	void reportedTokenUsageIsRecordedByType() {
		Call call = this.listener.start(new CallInfo("default", "m", true, "127.0.0.1", 8080));
		call.chunk(chunk("{\"model\":\"m-1\",\"choices\":[],"
				+ "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("gen_ai.client.token.usage")
			.tags("gen_ai.token.type", "input", "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
					"gen_ai.request.model", "m", "gen_ai.response.model", "m-1", "server.address", "127.0.0.1",
					"server.port", "8080")
			.summary()
			.totalAmount()).isEqualTo(5);
		assertThat(this.meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary()
			.totalAmount()).isEqualTo(7);
	}

	@Test
	void tokenUsageOfACompletedResponseIsRecordedByType() {
		Call call = this.listener.start(new CallInfo("default", "m", false));
		call.response(ChatJson.mapper().readValue("{\"model\":\"m-2\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
				+ "\"completion_tokens\":4,\"total_tokens\":7}}", ChatCompletionResponse.class));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
			.tag("gen_ai.response.model", "m-2").summary().totalAmount()).isEqualTo(3);
		assertThat(this.meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary()
			.totalAmount()).isEqualTo(4);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("gen_ai.response.model", "m-2");
	}

	@Test
	void chunksAreCountedOnErrorAndCancelToo() {
		Call call = this.listener.start(new CallInfo("default", "m", true));
		call.firstChunk();
		call.chunk(chunk("{\"choices\":[]}"));
		call.end(Outcome.CANCELLED, null);
		assertThat(this.meters.get("echo.llm.client.chunks").counter().count()).isEqualTo(1);
	}

	@Test
	void withoutAMeterRegistryOnlyTheObservationIsRecorded() {
		ObservationLlmCallListener observationOnly = new ObservationLlmCallListener(this.observations, null);
		Call call = observationOnly.start(new CallInfo("default", "m", true));
		call.firstChunk();
		call.chunk(chunk("{\"choices\":[]}"));
		call.chunk(chunk("{\"choices\":[]}"));
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations).hasSingleObservationThat().hasBeenStopped();
		assertThat(this.meters.getMeters()).isEmpty();
	}

	private static ChatCompletionChunk chunk(String json) {
		return ChatJson.mapper().readValue(json, ChatCompletionChunk.class);
	}

}
