package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationLlmCallListenerTests {

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AtomicInteger stops = new AtomicInteger();

	private final ObservationLlmCallListener listener = new ObservationLlmCallListener(this.observations, this.meters);

	@BeforeEach
	void countStops() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				ObservationLlmCallListenerTests.this.stops.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
	}

	@Test
	void successIsOneStoppedObservationWithLowCardinalityKeys() {
		Call call = this.listener.start(new CallInfo("fast", "gpt-4o-mini", true));
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasNameEqualTo("echo.llm.client.operation")
			.hasLowCardinalityKeyValue("echo.llm.client", "fast")
			.hasLowCardinalityKeyValue("echo.llm.model", "gpt-4o-mini")
			.hasLowCardinalityKeyValue("echo.llm.streaming", "true")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void errorIsRecordedWithItsKind() {
		LlmApiException failure = new LlmApiException(429, "rate_limit_exceeded", "slow down", null);
		this.listener.start(new CallInfo("default", null, false)).end(Outcome.ERROR, failure);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("echo.llm.model", "none")
			.hasLowCardinalityKeyValue("echo.llm.streaming", "false")
			.hasLowCardinalityKeyValue("outcome", "api_error")
			.hasError(failure)
			.hasBeenStopped();
	}

	@Test
	void cancelIsRecordedAsCancelled() {
		this.listener.start(new CallInfo("default", "m", true)).end(Outcome.CANCELLED, null);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "cancelled")
			.hasBeenStopped();
	}

	@ParameterizedTest
	@EnumSource(LlmTimeoutException.Kind.class)
	void timeoutOutcomeNamesItsKind(LlmTimeoutException.Kind kind) {
		LlmTimeoutException failure = new LlmTimeoutException(kind, Duration.ofSeconds(1));
		this.listener.start(new CallInfo("default", "m", true)).end(Outcome.ERROR, failure);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", kind.name().toLowerCase() + "_timeout");
	}

	@Test
	void otherFailuresAreNamedByType() {
		assertThat(ObservationLlmCallListener.outcome(Outcome.ERROR, new LlmNetworkException("down", null)))
			.isEqualTo("network_error");
		assertThat(ObservationLlmCallListener.outcome(Outcome.ERROR, new LlmException("?"))).isEqualTo("error");
	}

	@Test
	void observationIsStoppedExactlyOnceWhenEndIsCalledAgain() {
		Call call = this.listener.start(new CallInfo("default", "m", true));
		call.end(Outcome.CANCELLED, null);
		call.end(Outcome.SUCCESS, null);
		assertThat(this.stops).hasValue(1);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "cancelled");
	}

	@Test
	void metersCountChunksRetriesTimeoutsAndTimeToFirstChunk() {
		Call call = this.listener.start(new CallInfo("fast", "m", true));
		call.retry(1, new LlmNetworkException("reset", null));
		call.timeout(LlmTimeoutException.Kind.FIRST_CHUNK);
		call.firstChunk();
		call.chunk(chunk("{\"choices\":[]}"));
		call.chunk(chunk("{\"choices\":[]}"));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("echo.llm.client.retries").tag("echo.llm.client", "fast").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("echo.llm.client.timeouts").tag("kind", "first_chunk").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("echo.llm.client.chunks").tag("echo.llm.model", "m").counter().count())
			.isEqualTo(2);
		assertThat(this.meters.get("echo.llm.client.time.to.first.chunk").timer().count()).isEqualTo(1);
		assertThat(this.meters.get("echo.llm.client.time.to.first.chunk").timer().totalTime(TimeUnit.NANOSECONDS))
			.isPositive();
	}

	@Test
	void reportedTokenUsageIsRecordedByType() {
		Call call = this.listener.start(new CallInfo("default", "m", true));
		call.chunk(chunk("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("echo.llm.client.token.usage").tag("type", "prompt").summary().totalAmount())
			.isEqualTo(5);
		assertThat(this.meters.get("echo.llm.client.token.usage").tag("type", "completion").summary().totalAmount())
			.isEqualTo(7);
	}

	@Test
	void tokenUsageOfACompletedResponseIsRecordedByType() {
		Call call = this.listener.start(new CallInfo("default", "m", false));
		call.response(ChatJson.mapper().readValue("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
				+ "\"completion_tokens\":4,\"total_tokens\":7}}", ChatCompletionResponse.class));
		call.end(Outcome.SUCCESS, null);
		assertThat(this.meters.get("echo.llm.client.token.usage").tag("type", "prompt").summary().totalAmount())
			.isEqualTo(3);
		assertThat(this.meters.get("echo.llm.client.token.usage").tag("type", "completion").summary().totalAmount())
			.isEqualTo(4);
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
		call.end(Outcome.SUCCESS, null);
		TestObservationRegistryAssert.assertThat(this.observations).hasSingleObservationThat().hasBeenStopped();
		assertThat(this.meters.getMeters()).isEmpty();
	}

	private static ChatCompletionChunk chunk(String json) {
		return ChatJson.mapper().readValue(json, ChatCompletionChunk.class);
	}

}
