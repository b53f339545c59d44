package io.echo.llm.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import io.echo.llm.LlmStreamService;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatCompletionRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Relays a streamed chat completion to an HTTP client as server-sent events. Return the emitter from a controller:
 *
 * <pre>{@code
 * @PostMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * SseEmitter chat(@RequestBody ChatCompletionRequest request) {
 *     return this.relay.relay(request, RelayFormat.BROWSER);
 * }
 * }</pre>
 *
 * The upstream call runs on the application's {@link AsyncTaskExecutor} (virtual threads when
 * {@code spring.threads.virtual.enabled=true}), never on the request thread. When the client goes away (disconnect,
 * failed write, emitter timeout or error) the upstream connection is closed at once, within a second even while the
 * provider sends nothing: the response headers go out at once, and a reply with nothing to send for a quarter second
 * gets an SSE comment ({@code : keep-alive}), which {@code EventSource} and the OpenAI SDKs skip, because only a
 * write finds a closed connection. A failure becomes an {@code error} event (see {@link RelayFormat}) followed by
 * the end of the response.
 * <p>
 * Each relay holds one executor thread for the length of its stream: on platform threads, size the executor for the
 * number of concurrent streams (Boot's default pool of 8 queues the ninth, and the start-up log warns about it). When
 * the executor refuses a stream (a bounded pool with every thread busy), the client gets a {@code 503}
 * {@code relay_busy} error event at once.
 * <p>
 * At most {@link RelaySettings#maxActiveStreams()} streams are live at once (resumable ones included, until their
 * upstream ends): beyond it a new stream is refused before its response starts with an
 * {@link LlmRelayBusyException}, which the starter answers with {@code 503 relay_busy} ({@link LlmRelayBusyHandler}),
 * so that overload turns new clients away instead of slowing every stream down. With
 * {@link RelaySettings#maxCpuLoad()} set, so is a new stream while the host's CPUs have been that busy for a second
 * ({@link CpuLoadGuard}): the host, not a count, tells when the streams would slow down. Events that follow each
 * other within {@link RelaySettings#flushInterval()} are written and flushed together (see {@link SseWriter}).
 */
public class LlmSseRelay implements AutoCloseable, SmartLifecycle {

	/**
	 * How long {@link #relayWithStatus} waits for the provider's status before it starts the response with
	 * {@code 200}. Short, because a client that leaves before its response starts goes unnoticed: this wait plus a
	 * heartbeat ({@link SseHeartbeats#INTERVAL}) stays within the second in which the upstream must be cancelled.
	 */
	public static final Duration STATUS_WAIT = Duration.ofMillis(500);

	/** Response header that tells the client the id its stream is logged under, as OpenAI's own API does. */
	public static final String REQUEST_ID_HEADER = "X-Request-Id";

	static final String CLIENT_GONE = "client gone";

	static final String TIMED_OUT = "response timed out";

	// How long after the relay's own deadline Spring MVC's timeout ends a stream that the deadline could not end.
	private static final Duration BACKSTOP = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(LlmSseRelay.class);

	private final LlmStreamService service;

	private final AsyncTaskExecutor executor;

	private final @Nullable Duration timeout;

	private final @Nullable RelayResumption resumable;

	private final SseHeartbeats heartbeats;

	private final ActiveStreams active;

	private final @Nullable CpuLoadGuard cpu;

	// The plain streams not over yet, which a shutdown ends (the resumption ends its own), and the responses it waits
	// for, so that the server stops after their last bytes went out.
	private final LiveStreams live = new LiveStreams();

	private volatile boolean running;

	/**
	 * Creates a relay whose emitters never time out: the service's first-chunk, idle and overall timeouts end a
	 * stalled stream instead.
	 * @param service service used by {@link #relay(ChatCompletionRequest, RelayFormat)}
	 * @param executor executor the upstream calls run on
	 */
	public LlmSseRelay(LlmStreamService service, AsyncTaskExecutor executor) {
		this(service, executor, Duration.ZERO);
	}

	/**
	 * Creates a relay.
	 * @param service service used by {@link #relay(ChatCompletionRequest, RelayFormat)}
	 * @param executor executor the upstream calls run on
	 * @param timeout limit on each response: at it the upstream call is aborted and the stream ends with an
	 * {@code overall_timeout} error event ({@link #relayWithStatus}: a {@code 504} before the response started);
	 * zero for none, {@code null} for Spring MVC's async request timeout, which ends the stream with no event
	 */
	public LlmSseRelay(LlmStreamService service, AsyncTaskExecutor executor, @Nullable Duration timeout) {
		this(service, executor, timeout, null, RelaySettings.defaults());
	}

	/**
	 * Creates a relay whose {@link RelayFormat#BROWSER browser-format} replies are resumable: the
	 * {@link RelayResumption} keeps their events (see {@code io.echo.llm.web.resume.ResumableRelay}), a client that lost
	 * its connection picks up with {@link #resume}, and {@link #stop} cancels a reply from any instance that shares its
	 * store. The OpenAI format is not affected.
	 * @param service service used by {@link #relay(ChatCompletionRequest, RelayFormat)}
	 * @param executor executor the upstream calls run on
	 * @param timeout limit on each response, as for {@link #LlmSseRelay(LlmStreamService, AsyncTaskExecutor, Duration)}
	 * @param resumption what keeps, resumes and stops the browser-format replies; closed with this relay
	 */
	public LlmSseRelay(LlmStreamService service, AsyncTaskExecutor executor, @Nullable Duration timeout,
			RelayResumption resumption) {
		this(service, executor, timeout, Objects.requireNonNull(resumption, "resumption"), RelaySettings.defaults());
	}

	/**
	 * Creates a relay with the given write and admission settings.
	 * @param service service used by {@link #relay(ChatCompletionRequest, RelayFormat)}
	 * @param executor executor the upstream calls run on
	 * @param timeout limit on each response, as for {@link #LlmSseRelay(LlmStreamService, AsyncTaskExecutor, Duration)}
	 * @param resumption what keeps, resumes and stops the browser-format replies, or {@code null} for none
	 * @param settings the flush interval and the most live streams
	 */
	public LlmSseRelay(LlmStreamService service, AsyncTaskExecutor executor, @Nullable Duration timeout,
			@Nullable RelayResumption resumption, RelaySettings settings) {
		this.service = Objects.requireNonNull(service, "service");
		this.executor = Objects.requireNonNull(executor, "executor");
		this.timeout = timeout;
		this.heartbeats = new SseHeartbeats(executor, settings.flushInterval());
		this.resumable = resumption;
		this.active = new ActiveStreams(settings.maxActiveStreams());
		this.cpu = (settings.maxCpuLoad() > 0) ? new CpuLoadGuard(settings.maxCpuLoad(), CpuLoadGuard.hostCpuLoad())
				: null;
		if (this.cpu != null) {
			this.cpu.start(this.heartbeats);
		}
	}

	/**
	 * Streams the request with the default service and relays it.
	 * @param request the request; it is sent with {@code "stream": true}
	 * @param format format of the events
	 * @return the emitter to return from the controller method
	 */
	public SseEmitter relay(ChatCompletionRequest request, RelayFormat format) {
		return relay(this.service, request, format);
	}

	/**
	 * Streams the request with the given service (for instance a named client of {@link io.echo.llm.LlmClients}) and
	 * relays it. When the relay is resumable and the request carries a {@code Last-Event-ID} header (an
	 * {@code EventSource} reconnecting to the URL it started from), the browser format continues that stream instead of
	 * calling the service again.
	 * @param service the service to call
	 * @param request the request; it is sent with {@code "stream": true}
	 * @param format format of the events
	 * @return the emitter to return from the controller method
	 * @throws LlmRelayBusyException when {@link RelaySettings#maxActiveStreams()} streams are live already, or the
	 * host's CPU load is at or above {@link RelaySettings#maxCpuLoad()}
	 */
	public SseEmitter relay(LlmStreamService service, ChatCompletionRequest request, RelayFormat format) {
		Objects.requireNonNull(service, "service");
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(format, "format");
		if (format == RelayFormat.BROWSER && this.resumable != null) {
			String lastEventId = lastEventId();
			if (lastEventId != null && lastEventId.indexOf(':') > 0) {
				// EventSource reconnects to the URL it started from: continue that stream instead of a new call.
				return this.resumable.resumeQuietly(lastEventId);
			}
			// The id only for a refusal: a resumable reply is logged under its stream id.
			ActiveStreams.Permit permit = admit(LlmSseRelay::requestLog);
			try {
				return this.live.counted(this.resumable.relay(service, request, permit));
			}
			catch (RuntimeException ex) {
				permit.run();
				throw ex;
			}
		}
		RelayLog log = requestLog();
		ActiveStreams.Permit permit = admit(() -> log);
		SseEmitter emitter = this.live.counted(SseEmitters.create(backstop()));
		RelayEvents events = RelayEvents.of(format, request);
		SseHeartbeats.Watch watch = this.heartbeats.watch(emitter);
		RelayTask task = new RelayTask(service, request, events, new EmitterSink(watch), log);
		Runnable over = withDeadline(task, permit);
		task.whenOver(over);
		endWith(emitter, task);
		// While the provider is silent (before its first chunk, or stalled) only a comment finds a client that left.
		watch.start(() -> task.cancel(CLIENT_GONE));
		try {
			task.submitted(this.executor.submit(task));
		}
		catch (TaskRejectedException ex) {
			over.run();
			RelayError.logRejected(logger, "LLM relay", ex);
			watch.stop();
			SseEmitters.endQuietly(emitter, events.error(ex));
		}
		return emitter;
	}

	/**
	 * Streams the request with the given service and relays it, answering with the provider's HTTP status when it
	 * fails quickly: what an OpenAI-compatible endpoint needs, whose clients retry a {@code 429} or a {@code 503} by
	 * its status. The call starts at once on the executor, and the emitter is returned at once; the response starts
	 * <ul>
	 * <li>with {@code 200} and the events as soon as the provider answers 2xx, or after {@link #STATUS_WAIT} without
	 * an answer (a later failure is then an {@code error} event);</li>
	 * <li>with an error, when the call fails before that: the emitter completes with the
	 * {@link io.echo.llm.LlmException} (a provider's {@code 3xx} included: map a status outside 4xx and 5xx to
	 * {@code 502}), which Spring MVC hands to the application's {@code @ExceptionHandler}s while the response can
	 * still take its status. Give the error response its own content type: the emitter's
	 * {@code text/event-stream} is already set. Without such a handler the starter's {@link LlmRelayStatusResolver}
	 * answers with the provider's status and OpenAI's error JSON.</li>
	 * </ul>
	 * A stream costs Spring MVC one async dispatch (its end), where {@link #relayAfterStatus} costs two. The wait is
	 * short because nothing can tell that a client left before its response starts; after it the heartbeat finds out
	 * within a second, as for {@link #relay(LlmStreamService, ChatCompletionRequest, RelayFormat)}. Never resumable.
	 * @param service the service to call
	 * @param request the request; it is sent with {@code "stream": true}
	 * @param format format of the events
	 * @return the emitter to return from the controller method
	 * @throws LlmRelayBusyException when {@link RelaySettings#maxActiveStreams()} streams are live already, or the
	 * host's CPU load is at or above {@link RelaySettings#maxCpuLoad()}
	 * @throws TaskRejectedException when the executor has no thread free ({@code 503 relay_busy} from
	 * {@link LlmRelayStatusResolver} unless the application maps it)
	 */
	public SseEmitter relayWithStatus(LlmStreamService service, ChatCompletionRequest request, RelayFormat format) {
		SseEmitter emitter = SseEmitters.create(backstop());
		RelayTask task = startGated(service, request, format, null, emitter);
		endWith(emitter, task);
		// Counted once it is sure to reach Spring MVC: a stream refused above never does, and never ends.
		return this.live.counted(emitter);
	}

	/**
	 * Streams the request with the given service and relays it, answering with the provider's HTTP status when it
	 * fails quickly, as {@link #relayWithStatus} does, through a {@link DeferredResult}: the result is
	 * <ul>
	 * <li>the {@link SseEmitter} as soon as the provider answers 2xx, or after {@link #STATUS_WAIT} without an
	 * answer (the response then starts with {@code 200}, and a later failure is an {@code error} event);</li>
	 * <li>an error result, when the call fails before that: the {@link io.echo.llm.LlmException} (a provider's
	 * {@code 3xx} included: map a status outside 4xx and 5xx to {@code 502}), or a
	 * {@link TaskRejectedException} when the executor has no thread free ({@code 503}). Map them with an
	 * {@code @ExceptionHandler}.</li>
	 * </ul>
	 * Never resumable.
	 * @param service the service to call
	 * @param request the request; it is sent with {@code "stream": true}
	 * @param format format of the events
	 * @return the deferred result to return from the controller method
	 * @throws LlmRelayBusyException when {@link RelaySettings#maxActiveStreams()} streams are live already, or the
	 * host's CPU load is at or above {@link RelaySettings#maxCpuLoad()}
	 * @deprecated since 0.1.0, use {@link #relayWithStatus}: the same answers, and one async dispatch of the
	 * request per stream instead of two (the deferred result, then the emitter's end)
	 */
	@Deprecated(since = "0.1.0")
	public DeferredResult<SseEmitter> relayAfterStatus(LlmStreamService service, ChatCompletionRequest request,
			RelayFormat format) {
		DeferredResult<SseEmitter> result = new DeferredResult<>();
		SseEmitter emitter = SseEmitters.create(backstop());
		RelayTask task;
		try {
			task = startGated(service, request, format, result, emitter);
		}
		catch (TaskRejectedException ex) {
			result.setErrorResult(ex);
			return result;
		}
		endWith(emitter, task);
		result.onError((ex) -> task.cancel(CLIENT_GONE));
		result.onTimeout(() -> task.cancel("request timed out"));
		return result;
	}

	/**
	 * Admits the stream and starts its upstream call behind a {@link RelayStatusGate}, which starts the response when
	 * the provider opens or {@link #STATUS_WAIT} runs out, whichever comes first.
	 * @throws TaskRejectedException when the executor has no thread free; nothing is left running
	 */
	private RelayTask startGated(LlmStreamService service, ChatCompletionRequest request, RelayFormat format,
			@Nullable DeferredResult<SseEmitter> result, SseEmitter emitter) {
		Objects.requireNonNull(service, "service");
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(format, "format");
		RelayLog log = requestLog();
		ActiveStreams.Permit permit = admit(() -> log);
		SseHeartbeats.Watch watch = this.heartbeats.watch(emitter);
		RelayStatusGate gate = new RelayStatusGate(result, emitter, watch);
		// Shaped by the request too: a /v1 client that did not ask for usage must not get the usage-only chunk.
		RelayTask task = new RelayTask(service, request, RelayEvents.of(format, request), new EmitterSink(watch), log,
				gate);
		Runnable over = withDeadline(task, permit);
		task.whenOver(over);
		gate.task = task;
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			// An early failure goes to Spring MVC: LlmRelayStatusResolver answers it when the application does not.
			attributes.getRequest().setAttribute(LlmRelayStatusResolver.GATE_ATTRIBUTE, gate);
		}
		try {
			task.submitted(this.executor.submit(task));
		}
		catch (TaskRejectedException ex) {
			over.run();
			RelayError.logRejected(logger, "LLM relay", ex);
			gate.rejected(ex);
			throw ex;
		}
		gate.startAfter(this.heartbeats.after(STATUS_WAIT, gate::start));
		return task;
	}

	/**
	 * The emitter's timeout: Spring MVC's async request timeout when the relay has none of its own, none for zero,
	 * and otherwise a second after the relay's own deadline, as a backstop for a stream whose thread cannot end it
	 * (blocked writing to a client that stopped reading).
	 */
	private @Nullable Duration backstop() {
		Duration limit = this.timeout;
		return (limit == null || limit.isZero() || limit.isNegative()) ? limit : limit.plus(BACKSTOP);
	}

	/**
	 * With a timeout of its own the relay ends a stream at it: the call is aborted and the stream ends with the
	 * timeout's {@code error} event (or, before the response started, its status), from the relay's thread.
	 * @return what to run when the task is over: the permit, and dropping the deadline
	 */
	private Runnable withDeadline(RelayTask task, Runnable permit) {
		Runnable tracked = this.live.track(task, permit);
		Duration limit = this.timeout;
		if (limit == null || limit.isZero() || limit.isNegative()) {
			return tracked;
		}
		LlmTimeoutException deadline = new LlmTimeoutException(LlmTimeoutException.Kind.OVERALL, limit);
		ScheduledFuture<?> timer = this.heartbeats.after(limit, () -> task.expire(deadline));
		return () -> {
			timer.cancel(false);
			tracked.run();
		};
	}

	/**
	 * Cancels the stream when its response ends early: the client left, or Spring MVC's timeout (the relay's
	 * backstop, or the async request timeout) came. A timeout also completes the emitter, which answers the request:
	 * Spring MVC otherwise logs the timeout of a response already started at WARN, twice.
	 */
	private static void endWith(SseEmitter emitter, RelayTask task) {
		emitter.onCompletion(() -> task.cancel(CLIENT_GONE));
		emitter.onError((ex) -> task.cancel(CLIENT_GONE));
		emitter.onTimeout(() -> {
			task.cancel(TIMED_OUT);
			emitter.complete();
		});
	}

	/**
	 * Replays a resumable stream after the given sequence number, then follows it live to its end. Works on any
	 * instance that shares the store with the one running the upstream.
	 * @param streamId the stream, from the {@code stream} event or from the events' ids
	 * @param afterSequence the sequence of the last event the client has, 0 for the whole stream
	 * @return the emitter to return from the controller method
	 * @throws RuntimeException the resumption's own when the stream is unknown or expired
	 * ({@code io.echo.llm.web.resume.LlmStreamNotFoundException} for {@code ResumableRelay})
	 * @throws IllegalArgumentException when the sequence is past the stream's last event
	 * @throws IllegalStateException when this relay is not resumable
	 */
	public SseEmitter resume(String streamId, long afterSequence) {
		return resumable().resume(Objects.requireNonNull(streamId, "streamId"), afterSequence);
	}

	/**
	 * Asks the instance running the stream's upstream to cancel it; it does so within a second. Clients following the
	 * stream then get a {@code done} event with {@code "finish_reason": "cancelled"}.
	 * @param streamId the stream
	 * @return {@code false} when the stream is unknown or expired
	 * @throws IllegalStateException when this relay is not resumable
	 */
	public boolean stop(String streamId) {
		return resumable().stop(Objects.requireNonNull(streamId, "streamId"));
	}

	/** Returns whether browser-format replies are resumable. */
	public boolean isResumable() {
		return this.resumable != null;
	}

	/** Marks the relay running; streams need no start. */
	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		shutDownStreams();
	}

	/**
	 * Ends every live stream, once the web server's graceful shutdown gave them its time to finish and before it
	 * closes the connections (see {@link #getPhase()}): each client gets a {@code 503 server_shutting_down} error
	 * event (or status, before the response started), which it tells from a normal end and may retry on another
	 * instance, instead of a connection cut without a word; each upstream is closed, and each stream logged once.
	 * Calls back once the streams are over, or when the shutdown phase's timeout runs out.
	 */
	@Override
	public void stop(Runnable callback) {
		stop();
		LiveStreams.whenOver(this.heartbeats, this::streamsOver, callback);
	}

	/** Responses handed to Spring MVC and not ended yet, which a shutdown waits for. */
	int openResponses() {
		return this.live.openResponses();
	}

	// The upstream calls are over, and the responses sent their last bytes: the web server may close the connections.
	private boolean streamsOver() {
		return this.active.live() == 0 && this.live.openResponses() <= 0;
	}

	private void shutDownStreams() {
		this.live.shutDown();
		if (this.resumable != null) {
			this.resumable.shutDown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * After Boot's graceful shutdown of the web server ({@code DEFAULT_PHASE - 1024}), which lets the streams run for
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}, and before the server stops ({@code DEFAULT_PHASE - 2048}),
	 * which would cut the streams still live without an event; long before the task executor stops.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1536;
	}

	/** Stops the heartbeats and the resume-window checks. */
	@Override
	public void close() {
		this.heartbeats.close();
		if (this.resumable != null) {
			this.resumable.close();
		}
	}

	/** Returns how many streams are live: from the request that starts one to the end of its upstream call. */
	public int activeStreams() {
		return this.active.live();
	}

	/**
	 * Returns whether new streams are refused because the host's CPU load has been at or above
	 * {@link RelaySettings#maxCpuLoad()} for a second; always {@code false} without that setting.
	 */
	public boolean hostBusy() {
		CpuLoadGuard cpu = this.cpu;
		return cpu != null && cpu.overloaded();
	}

	// For tests that check that a finished reply leaves nothing scheduled.
	SseHeartbeats heartbeats() {
		return this.heartbeats;
	}

	private static @Nullable String lastEventId() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			return attributes.getRequest().getHeader("Last-Event-ID");
		}
		return null;
	}

	/** Names the stream for the logs and, when the response has not started, for its client ({@code X-Request-Id}). */
	private static RelayLog requestLog() {
		String id = "req_" + RelayLog.newId();
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			HttpServletResponse response = attributes.getResponse();
			if (response != null && !response.isCommitted()) {
				response.setHeader(REQUEST_ID_HEADER, id);
			}
		}
		return RelayLog.forCurrentRequest(id);
	}

	/**
	 * Counts a new stream in, or refuses it before anything starts (no emitter, no task, no upstream call): at the
	 * limit of live streams, or while the host's CPUs are too busy.
	 */
	private ActiveStreams.Permit admit(Supplier<RelayLog> log) {
		CpuLoadGuard cpu = this.cpu;
		if (cpu != null && cpu.overloaded()) {
			RelayLog refused = log.get();
			refused.refusedBusyHost(cpu.describe(), this.active.live());
			throw new LlmRelayBusyException(refused.id());
		}
		ActiveStreams.Permit permit = this.active.tryAcquire();
		if (permit == null) {
			RelayLog refused = log.get();
			refused.refused(this.active.live(), this.active.max());
			throw new LlmRelayBusyException(refused.id());
		}
		return permit;
	}

	private RelayResumption resumable() {
		if (this.resumable == null) {
			throw new IllegalStateException("This relay is not resumable; set echo.llm.relay.resumable=true");
		}
		return this.resumable;
	}

	/** Writes events to an emitter as they are, so that the format is byte for byte the one documented. */
	private record EmitterSink(SseHeartbeats.Watch watch) implements RelaySink {

		@Override
		public void send(RelayEvent event) throws IOException {
			this.watch.send(event, null);
		}

		@Override
		public void complete() {
			this.watch.complete();
		}

	}

}
