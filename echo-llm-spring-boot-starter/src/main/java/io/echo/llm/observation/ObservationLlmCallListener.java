package io.echo.llm.observation;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.chat.Usage;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Records every LLM call in the OpenTelemetry GenAI semantic conventions, as Spring AI does: a Micrometer
 * {@link Observation} named {@value #OBSERVATION_NAME} (a timer of that name with a meter registry, one span per call
 * with Micrometer Tracing) with the low-cardinality keys {@value #OPERATION_NAME} ({@code chat}),
 * {@value #PROVIDER_NAME} ({@code openai}: the API spoken, as the conventions ask of OpenAI-compatible clients; the
 * server tells the real provider), {@value #REQUEST_MODEL}, {@value #RESPONSE_MODEL}, {@value #SERVER_ADDRESS},
 * {@value #SERVER_PORT}, {@value #ERROR_TYPE} ({@code none}, {@code cancelled}, or the kind of error:
 * {@code api_error}, {@code connect_timeout}, {@code network_error}, ...) and echo-llm's {@value #CLIENT} (the
 * client's name) and {@value #STREAMING}; an absent value is {@code none}. Spans also get the high-cardinality
 * {@value #INPUT_TOKENS}, {@value #OUTPUT_TOKENS} and {@value #FINISH_REASONS} when the provider reports them.
 * <p>
 * With a {@link MeterRegistry} it also records, tagged like the observation (without {@value #ERROR_TYPE} where the
 * value is recorded before the call ends):
 * <ul>
 * <li>{@value #TOKEN_USAGE}: distribution of the tokens the provider reported (in a streamed chunk or in the response
 * of a call that does not stream), tagged {@value #TOKEN_TYPE} {@code input} or {@code output};</li>
 * <li>{@value #TIME_TO_FIRST_CHUNK}: timer from the start of a call to its first chunk;</li>
 * <li>{@value #TIME_PER_OUTPUT_CHUNK}: timer of the time between two chunks, for each chunk after the first;</li>
 * <li>{@value #CHUNKS}, {@value #RETRIES}: counters (no convention exists for them);</li>
 * <li>{@value #TIMEOUTS}: counter, also tagged with the {@code kind} of timeout.</li>
 * </ul>
 * Prompts, completions and keys are never recorded. The observation is stopped exactly once, whether the call
 * succeeds, fails or is cancelled.
 */
public final class ObservationLlmCallListener implements LlmCallListener {

	/** Name of the observation of one call (and of its timer). */
	public static final String OBSERVATION_NAME = "gen_ai.client.operation";

	/** Key of the operation: always {@code chat}. */
	public static final String OPERATION_NAME = "gen_ai.operation.name";

	/** Key of the provider, as identified by the API the client speaks: always {@code openai}. */
	public static final String PROVIDER_NAME = "gen_ai.provider.name";

	/** Key of the model the request names ({@code none} when it names none). */
	public static final String REQUEST_MODEL = "gen_ai.request.model";

	/** Key of the model the provider says answered ({@code none} until it says). */
	public static final String RESPONSE_MODEL = "gen_ai.response.model";

	/** Key of the host of the base URL. */
	public static final String SERVER_ADDRESS = "server.address";

	/** Key of the port of the base URL. */
	public static final String SERVER_PORT = "server.port";

	/** Key of how the call failed: {@code none} on success, {@code cancelled}, or the kind of error. */
	public static final String ERROR_TYPE = "error.type";

	/** Key of the client name ({@code default} for the primary client); no convention. */
	public static final String CLIENT = "echo.llm.client";

	/** Key telling whether the call streams; no convention. */
	public static final String STREAMING = "echo.llm.streaming";

	/** High-cardinality key of the input tokens the provider reported. */
	public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";

	/** High-cardinality key of the output tokens the provider reported. */
	public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

	/** High-cardinality key of the finish reasons of the choices, comma-separated. */
	public static final String FINISH_REASONS = "gen_ai.response.finish_reasons";

	/** Distribution of reported token usage, by {@value #TOKEN_TYPE}. */
	public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

	/** Tag of {@value #TOKEN_USAGE}: {@code input} or {@code output}. */
	public static final String TOKEN_TYPE = "gen_ai.token.type";

	/** Timer from the start of a call to its first chunk. */
	public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

	/** Timer of the time between two chunks, for each chunk after the first. */
	public static final String TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";

	/** Counter of chunks handed to callers. */
	public static final String CHUNKS = "echo.llm.client.chunks";

	/** Counter of well-formed events that were not chunks (skipped), also a key of the observation. */
	public static final String SKIPPED_EVENTS = "echo.llm.client.skipped.events";

	/** Counter of retried attempts. */
	public static final String RETRIES = "echo.llm.client.retries";

	/** Counter of timeouts, by kind. */
	public static final String TIMEOUTS = "echo.llm.client.timeouts";

	private static final String ABSENT = KeyValue.NONE_VALUE;

	private static final Map<Class<? extends LlmException>, String> ERROR_KINDS = Map.of(LlmApiException.class,
			"api_error", LlmNetworkException.class, "network_error", LlmStreamErrorException.class, "stream_error",
			LlmTruncatedStreamException.class, "truncated_stream", LlmInvalidResponseException.class,
			"invalid_response");

	// A provider's finish reason is free text: only the known ones reach a span.
	private static final Set<String> FINISH_REASON_VALUES = Set.of("stop", "length", "tool_calls", "content_filter",
			"function_call");

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
		String model = (info.model() != null) ? info.model() : ABSENT;
		Tags tags = Tags.of(OPERATION_NAME, "chat", PROVIDER_NAME, "openai", REQUEST_MODEL, model, SERVER_ADDRESS,
				(info.serverAddress() != null) ? info.serverAddress() : ABSENT, SERVER_PORT,
				(info.serverPort() >= 0) ? String.valueOf(info.serverPort()) : ABSENT)
			.and(CLIENT, info.clientName(), STREAMING, String.valueOf(info.streaming()));
		// Every key from the start, with placeholders: a timer's tag keys must not vary between calls.
		Observation observation = Observation.createNotStarted(OBSERVATION_NAME, this.observations)
			.contextualName("chat " + model);
		tags.forEach((tag) -> observation.lowCardinalityKeyValue(tag.getKey(), tag.getValue()));
		observation.lowCardinalityKeyValue(RESPONSE_MODEL, ABSENT).lowCardinalityKeyValue(ERROR_TYPE, ABSENT).start();
		return new ObservedCall(observation, tags, this.meters);
	}

	/** Name of an outcome as recorded in {@value #ERROR_TYPE}. */
	static String errorType(Outcome outcome, @Nullable LlmException error) {
		return switch (outcome) {
			case SUCCESS -> ABSENT;
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

	/**
	 * One call: counts locally and records once, at the end. The counters belong to the thread that reads the stream
	 * (the core calls a {@code Call} from that thread only); {@code ended} lets a cancel from another thread record once.
	 */
	private static final class ObservedCall implements Call {

		private final Observation observation;

		/** Tags known at the start: every key of the observation but the response model and error type. */
		private final Tags tags;

		private final @Nullable MeterRegistry meters;

		private final long startNanos = System.nanoTime();

		private final AtomicBoolean ended = new AtomicBoolean();

		private long chunks;

		private long skippedEvents;

		private long lastChunkNanos;

		private @Nullable String responseModel;

		private @Nullable Timer timePerChunk;

		private final Set<String> finishReasons = new TreeSet<>();

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
		public void skippedEvent() {
			this.skippedEvents++;
		}

		@Override
		public void chunk(ChatCompletionChunk chunk) {
			long now = System.nanoTime();
			if (this.chunks++ == 0) {
				// The model is read from the first chunk, so the first-chunk timer can carry it too.
				this.responseModel = chunk.model();
				if (this.meters != null) {
					Tags tags = this.tags.and(RESPONSE_MODEL, responseModel());
					Timer.builder(TIME_TO_FIRST_CHUNK)
						.description("Time from the start of an LLM call to its first chunk")
						.tags(tags)
						.register(this.meters)
						.record(now - this.startNanos, TimeUnit.NANOSECONDS);
					this.timePerChunk = Timer.builder(TIME_PER_OUTPUT_CHUNK)
						.description("Time between two chunks of an LLM stream, for each chunk after the first")
						.tags(tags)
						.register(this.meters);
				}
			}
			else if (this.timePerChunk != null) {
				this.timePerChunk.record(now - this.lastChunkNanos, TimeUnit.NANOSECONDS);
			}
			this.lastChunkNanos = now;
			for (ChunkChoice choice : chunk.choices()) {
				finishReason(choice.finishReason());
			}
			if (chunk.usage() != null) {
				this.usage = chunk.usage();
			}
		}

		@Override
		public void response(ChatCompletionResponse response) {
			this.responseModel = response.model();
			response.choices().forEach((choice) -> finishReason(choice.finishReason()));
			if (response.usage() != null) {
				this.usage = response.usage();
			}
		}

		private void finishReason(@Nullable String reason) {
			if (reason != null) {
				this.finishReasons.add(FINISH_REASON_VALUES.contains(reason) ? reason : "other");
			}
		}

		private String responseModel() {
			return (this.responseModel != null) ? this.responseModel : ABSENT;
		}

		@Override
		public void end(Outcome outcome, @Nullable LlmException error) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			this.observation.lowCardinalityKeyValue(RESPONSE_MODEL, responseModel())
				.lowCardinalityKeyValue(ERROR_TYPE, errorType(outcome, error));
			Usage reported = this.usage;
			if (reported != null) {
				highCardinality(INPUT_TOKENS, reported.promptTokens());
				highCardinality(OUTPUT_TOKENS, reported.completionTokens());
			}
			if (this.skippedEvents > 0) {
				this.observation.highCardinalityKeyValue(SKIPPED_EVENTS, String.valueOf(this.skippedEvents));
			}
			if (!this.finishReasons.isEmpty()) {
				this.observation.highCardinalityKeyValue(FINISH_REASONS, String.join(",", this.finishReasons));
			}
			if (error != null) {
				this.observation.error(error);
			}
			if (this.meters != null) {
				recordMeters(this.meters, reported);
			}
			this.observation.stop();
		}

		private void highCardinality(String key, @Nullable Integer count) {
			if (count != null) {
				this.observation.highCardinalityKeyValue(key, String.valueOf(count));
			}
		}

		private void recordMeters(MeterRegistry meters, @Nullable Usage reported) {
			Counter.builder(CHUNKS)
				.description("Chunks of LLM streams handed to callers")
				.tags(this.tags)
				.register(meters)
				.increment(this.chunks);
			if (this.skippedEvents > 0) {
				Counter.builder(SKIPPED_EVENTS)
					.description("Well-formed events of LLM streams that were not chunks, skipped")
					.tags(this.tags)
					.register(meters)
					.increment(this.skippedEvents);
			}
			if (reported != null) {
				Tags tags = this.tags.and(RESPONSE_MODEL, responseModel());
				tokens(meters, tags, "input", reported.promptTokens());
				tokens(meters, tags, "output", reported.completionTokens());
			}
		}

		private static void tokens(MeterRegistry meters, Tags tags, String type, @Nullable Integer count) {
			if (count != null) {
				DistributionSummary.builder(TOKEN_USAGE)
					.description("Measures number of input and output tokens used")
					.baseUnit("tokens")
					.tags(tags.and(TOKEN_TYPE, type))
					.register(meters)
					.record(count);
			}
		}

	}

}
