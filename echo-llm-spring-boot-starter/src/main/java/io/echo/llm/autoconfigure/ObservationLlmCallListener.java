package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTruncatedStreamException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Records every LLM call as a Micrometer {@link Observation} named {@value #OBSERVATION_NAME}, with the low-cardinality
 * keys {@value #CLIENT}, {@value #MODEL}, {@value #STREAMING} and {@value #OUTCOME} ({@code success},
 * {@code cancelled}, or the kind of error: {@code api_error}, {@code connect_timeout}, {@code network_error}, ...).
 * With a {@link MeterRegistry} it also records, tagged with client and model:
 * <ul>
 * <li>{@value #TIME_TO_FIRST_CHUNK}: timer from the start of the call to the first chunk;</li>
 * <li>{@value #CHUNKS}, {@value #RETRIES}: counters;</li>
 * <li>{@value #TIMEOUTS}: counter, also tagged with the {@code kind} of timeout;</li>
 * <li>{@value #TOKENS}: distribution of the tokens the provider reported (in a streamed chunk or in the response of
 * a call that does not stream), tagged {@code type} {@code prompt} or {@code completion}.</li>
 * </ul>
 * The observation is stopped exactly once, whether the call succeeds, fails or is cancelled.
 */
public final class ObservationLlmCallListener implements LlmCallListener {

	/** Name of the observation of one call. */
	public static final String OBSERVATION_NAME = "echo.llm.client.operation";

	/** Key of the client name ({@code default} for the primary client). */
	public static final String CLIENT = "echo.llm.client";

	/** Key of the model the request names ({@code none} when it names none). */
	public static final String MODEL = "echo.llm.model";

	/** Key telling whether the call streams. */
	public static final String STREAMING = "echo.llm.streaming";

	/** Key of how the call ended. */
	public static final String OUTCOME = "outcome";

	/** Timer from the start of a call to its first chunk. */
	public static final String TIME_TO_FIRST_CHUNK = "echo.llm.client.time.to.first.chunk";

	/** Counter of chunks handed to callers. */
	public static final String CHUNKS = "echo.llm.client.chunks";

	/** Counter of retried attempts. */
	public static final String RETRIES = "echo.llm.client.retries";

	/** Counter of timeouts, by kind. */
	public static final String TIMEOUTS = "echo.llm.client.timeouts";

	/** Distribution of reported token usage, by type. */
	public static final String TOKENS = "echo.llm.client.token.usage";

	private static final Map<Class<? extends LlmException>, String> ERROR_KINDS = Map.of(LlmApiException.class,
			"api_error", LlmNetworkException.class, "network_error", LlmStreamErrorException.class, "stream_error",
			LlmTruncatedStreamException.class, "truncated_stream", LlmInvalidResponseException.class,
			"invalid_response");

	private final ObservationRegistry observations;

	private final @Nullable MeterRegistry meters;

	/**
	 * Creates a listener.
	 * @param observations registry of the observations
	 * @param meters registry of the meters, or {@code null} to record the observation only
	 */
	public ObservationLlmCallListener(ObservationRegistry observations, @Nullable MeterRegistry meters) {
		this.observations = Objects.requireNonNull(observations, "observations");
		this.meters = meters;
	}

	@Override
	public Call start(CallInfo info) {
		String model = (info.model() != null) ? info.model() : "none";
		Observation observation = Observation.createNotStarted(OBSERVATION_NAME, this.observations)
			.contextualName("llm " + info.clientName())
			.lowCardinalityKeyValue(CLIENT, info.clientName())
			.lowCardinalityKeyValue(MODEL, model)
			.lowCardinalityKeyValue(STREAMING, String.valueOf(info.streaming()))
			.start();
		return new ObservedCall(observation, Tags.of(CLIENT, info.clientName(), MODEL, model), this.meters);
	}

	/** Name of an outcome as recorded in {@value #OUTCOME}. */
	static String outcome(Outcome outcome, @Nullable LlmException error) {
		return switch (outcome) {
			case SUCCESS -> "success";
			case CANCELLED -> "cancelled";
			case ERROR -> errorKind(error);
		};
	}

	private static String errorKind(@Nullable LlmException error) {
		if (error instanceof LlmTimeoutException timeout) {
			return timeout.kind().name().toLowerCase(Locale.ROOT) + "_timeout";
		}
		Class<?> type = (error != null) ? error.getClass() : LlmException.class;
		return ERROR_KINDS.entrySet()
			.stream()
			.filter((kind) -> kind.getKey().isAssignableFrom(type))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse("error");
	}

	/** One call: counts locally and records once, at the end. */
	private static final class ObservedCall implements Call {

		private final Observation observation;

		private final Tags tags;

		private final @Nullable MeterRegistry meters;

		private final long startNanos = System.nanoTime();

		private final AtomicBoolean ended = new AtomicBoolean();

		private long chunks;

		private @Nullable Usage usage;

		ObservedCall(Observation observation, Tags tags, @Nullable MeterRegistry meters) {
			this.observation = observation;
			this.tags = tags;
			this.meters = meters;
		}

		@Override
		public void retry(int failedAttempt, Throwable cause) {
			if (this.meters != null) {
				this.meters.counter(RETRIES, this.tags).increment();
			}
		}

		@Override
		public void timeout(LlmTimeoutException.Kind kind) {
			if (this.meters != null) {
				this.meters.counter(TIMEOUTS, this.tags.and("kind", kind.name().toLowerCase(Locale.ROOT)))
					.increment();
			}
		}

		@Override
		public void firstChunk() {
			if (this.meters != null) {
				Timer.builder(TIME_TO_FIRST_CHUNK)
					.description("Time from the start of an LLM call to its first chunk")
					.tags(this.tags)
					.register(this.meters)
					.record(Duration.ofNanos(System.nanoTime() - this.startNanos));
			}
		}

		@Override
		public void chunk(ChatCompletionChunk chunk) {
			this.chunks++;
			if (chunk.usage() != null) {
				this.usage = chunk.usage();
			}
		}

		@Override
		public void response(ChatCompletionResponse response) {
			if (response.usage() != null) {
				this.usage = response.usage();
			}
		}

		@Override
		public void end(Outcome outcome, @Nullable LlmException error) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			this.observation.lowCardinalityKeyValue(OUTCOME, outcome(outcome, error));
			if (error != null) {
				this.observation.error(error);
			}
			if (this.meters != null) {
				recordMeters(this.meters);
			}
			this.observation.stop();
		}

		private void recordMeters(MeterRegistry meters) {
			Counter.builder(CHUNKS)
				.description("Chunks of LLM streams handed to callers")
				.tags(this.tags)
				.register(meters)
				.increment(this.chunks);
			Usage reported = this.usage;
			if (reported != null) {
				tokens(meters, "prompt", reported.promptTokens());
				tokens(meters, "completion", reported.completionTokens());
			}
		}

		private void tokens(MeterRegistry meters, String type, @Nullable Integer count) {
			if (count != null) {
				DistributionSummary.builder(TOKENS)
					.description("Tokens reported by the LLM provider")
					.baseUnit("tokens")
					.tags(this.tags.and("type", type))
					.register(meters)
					.record(count);
			}
		}

	}

}
