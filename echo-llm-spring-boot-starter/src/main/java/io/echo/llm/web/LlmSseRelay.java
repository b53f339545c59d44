package io.echo.llm.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
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
 * failed write, emitter timeout or error) the upstream connection is closed at once. A failure becomes an
 * {@code error} event (see {@link RelayFormat}) followed by the end of the response.
 */
public class LlmSseRelay {

	private static final Logger logger = LoggerFactory.getLogger(LlmSseRelay.class);

	private static final MediaType TEXT_UTF8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	private final LlmStreamService service;

	private final AsyncTaskExecutor executor;

	private final @Nullable Duration timeout;

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
	 * @param timeout time after which an emitter times out and the upstream is cancelled; zero for none,
	 * {@code null} for Spring MVC's async request timeout
	 */
	public LlmSseRelay(LlmStreamService service, AsyncTaskExecutor executor, @Nullable Duration timeout) {
		this.service = Objects.requireNonNull(service, "service");
		this.executor = Objects.requireNonNull(executor, "executor");
		this.timeout = timeout;
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
	 * relays it.
	 * @param service the service to call
	 * @param request the request; it is sent with {@code "stream": true}
	 * @param format format of the events
	 * @return the emitter to return from the controller method
	 */
	public SseEmitter relay(LlmStreamService service, ChatCompletionRequest request, RelayFormat format) {
		Objects.requireNonNull(service, "service");
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(format, "format");
		SseEmitter emitter = new SseEmitter((this.timeout != null) ? this.timeout.toMillis() : null);
		RelayEvents events = RelayEvents.of(format);
		RelayTask task = new RelayTask(service, request, events, new EmitterSink(emitter));
		emitter.onCompletion(task::cancel);
		emitter.onTimeout(task::cancel);
		emitter.onError((ex) -> task.cancel());
		try {
			task.submitted(this.executor.submit(task));
		}
		catch (TaskRejectedException ex) {
			logger.warn("LLM relay rejected by the task executor", ex);
			sendQuietly(emitter, events.error(ex));
		}
		return emitter;
	}

	private static void sendQuietly(SseEmitter emitter, RelayEvent event) {
		EmitterSink sink = new EmitterSink(emitter);
		try {
			sink.send(event);
			sink.complete();
		}
		catch (IOException ex) {
			logger.debug("Relay client gone", ex);
		}
	}

	/** Writes events to an emitter as they are, so that the format is byte for byte the one documented. */
	private record EmitterSink(SseEmitter emitter) implements RelaySink {

		@Override
		public void send(RelayEvent event) throws IOException {
			try {
				this.emitter.send(Set.of(new DataWithMediaType(event.toSse(null), TEXT_UTF8)));
			}
			catch (IllegalStateException ex) {
				// The emitter already completed (timeout, error): the client is gone as far as we are concerned.
				throw new IOException("SSE emitter already completed", ex);
			}
		}

		@Override
		public void complete() {
			this.emitter.complete();
		}

	}

}
