package io.echo.llm.web;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmCancellation;
import io.echo.llm.LlmStreamService;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.internal.RawChunkData;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pumps one upstream stream into a {@link RelaySink} on an executor thread, and stops it from any thread with
 * {@link #cancel(String)}. The upstream is closed on every path: end, failure, client gone, cancel. Whichever of
 * these comes first is logged once, by {@link RelayLog}.
 * <p>
 * The executor thread that runs it writes the phase and the chunk count; the fields other threads read or write
 * (cancel, the heartbeat, the log) are volatile or atomic.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public final class RelayTask implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(RelayTask.class);

	/** Told how the upstream call opened, for a relay that answers with the provider's HTTP status when it can. */
	interface Opening {

		/** The provider answered 2xx: the events follow. */
		void opened();

		/**
		 * The call failed before the provider answered 2xx.
		 * @return whether the failure is answered as an HTTP status, in which case no error event is sent
		 */
		boolean failedBeforeOpen(RuntimeException failure);

	}

	private static final Opening NO_OPENING = new Opening() {

		@Override
		public void opened() {
		}

		@Override
		public boolean failedBeforeOpen(RuntimeException failure) {
			return false;
		}

	};

	private final LlmStreamService service;

	private final ChatCompletionRequest request;

	private final RelayEvents events;

	private final RelaySink sink;

	private final RelayLog log;

	private final Opening opening;


	// Set once by the first outcome (completed, failed, cancelled), which is the one logged.
	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile boolean cancelled;

	private final LlmCancellation cancellation = new LlmCancellation();

	private volatile RelayLog.Phase phase = RelayLog.Phase.CONNECTING;

	private volatile int chunks;

	private volatile @Nullable Future<?> future;

	// Set by whichever comes first: run() starting, or a cancel while the task still waits for a thread.
	private final AtomicBoolean startedOrDropped = new AtomicBoolean();

	private volatile @Nullable Runnable whenOver;

	// Set by abort(): the relay's deadline or its shutdown, which the relay's thread reports in place of the cancel.
	private volatile @Nullable RuntimeException abortedBy;

	public RelayTask(LlmStreamService service, ChatCompletionRequest request, RelayEvents events, RelaySink sink,
			RelayLog log) {
		this(service, request, events, sink, log, NO_OPENING);
	}

	RelayTask(LlmStreamService service, ChatCompletionRequest request, RelayEvents events, RelaySink sink,
			RelayLog log, Opening opening) {
		this.service = service;
		this.request = request;
		this.events = events;
		this.sink = sink;
		this.log = log;
		this.opening = opening;
	}

	/** Remembers how the task was submitted, so that {@link #cancel} can drop it while it waits for a thread. */
	public void submitted(Future<?> future) {
		this.future = future;
		if (this.cancelled) {
			future.cancel(false);
		}
	}

	/**
	 * Runs the action once when the task is over: when {@link #run} returns, or at a {@link #cancel} that comes before
	 * it started (the task then never runs). Call before submitting the task.
	 */
	public void whenOver(Runnable action) {
		this.whenOver = action;
	}

	@Override
	public void run() {
		if (!this.startedOrDropped.compareAndSet(false, true)) {
			// Cancelled while it waited for a thread, which ran the action already.
			return;
		}
		try {
			runStream();
		}
		finally {
			over();
		}
	}

	private void over() {
		Runnable action = this.whenOver;
		if (action != null) {
			action.run();
		}
	}

	private void runStream() {
		if (this.cancelled) {
			return;
		}
		ChatCompletionStream opened;
		try {
			opened = this.service.stream(this.request, this.cancellation);
		}
		catch (RuntimeException ex) {
			if (this.cancelled || !this.ended.compareAndSet(false, true)) {
				return;
			}
			RuntimeException failure = reported(ex);
			// Logged before it is answered: answering as a status ends the request, whose end cancels the task.
			this.log.failed(failure, this.phase, 0);
			if (!this.opening.failedBeforeOpen(failure)) {
				endWithError(failure);
			}
			return;
		}
		pump(opened);
	}

	private void pump(ChatCompletionStream opened) {
		try (ChatCompletionStream stream = opened) {
			if (this.cancelled) {
				return;
			}
			this.phase = RelayLog.Phase.FIRST_CHUNK;
			this.opening.opened();
			// The engine's stream has the provider's data of each chunk: the OpenAI format forwards it as it came.
			// Any other stream (a service of the application's own, a wrapper) has its chunks serialized.
			RawChunkData raw = (stream instanceof RawChunkData engine) ? engine : null;
			OpenAiRelayEvents openAi = (this.events instanceof OpenAiRelayEvents format) ? format : null;
			for (ChatCompletionChunk chunk : stream) {
				this.phase = RelayLog.Phase.STREAMING;
				this.chunks++;
				List<RelayEvent> events = (openAi != null && raw != null) ? openAi.chunk(chunk, raw.rawData())
						: this.events.chunk(chunk);
				for (RelayEvent event : events) {
					this.sink.send(event);
				}
			}
			RuntimeException aborted = this.abortedBy;
			if (aborted != null) {
				// An abort (deadline, shutdown) ends the engine's stream as a cancel does, quietly: still a failure.
				fail(aborted);
				return;
			}
			if (!this.cancelled && this.ended.compareAndSet(false, true)) {
				this.log.completed(this.chunks);
				finish(this.events.done());
			}
		}
		catch (IOException ex) {
			cancel("client gone", ex);
		}
		catch (RuntimeException ex) {
			fail(ex);
		}
	}

	private void fail(RuntimeException ex) {
		if (this.cancelled || !this.ended.compareAndSet(false, true)) {
			// The upstream fails because it was cancelled: nobody is listening, and the cancel was logged.
			return;
		}
		RuntimeException failure = reported(ex);
		this.log.failed(failure, this.phase, this.chunks);
		endWithError(failure);
	}

	// The call fails because abort() cancelled it: the client and the log get the reason, not the cancel.
	private RuntimeException reported(RuntimeException failure) {
		RuntimeException reason = this.abortedBy;
		return (reason != null) ? reason : failure;
	}

	/**
	 * The relay's deadline for the whole response passed: aborts the call in whatever phase it is, and the relay's
	 * thread, which owns the writes, ends the stream with the timeout's {@code error} event (or status) and logs it
	 * as a failure. Returns at once (the timer calls it); does nothing once the stream ended.
	 */
	void expire(LlmTimeoutException deadline) {
		abort(deadline);
	}

	/**
	 * The application is shutting down: aborts the call as {@link #expire} does, and the relay's thread ends the stream
	 * with a {@code 503 server_shutting_down} error event (or status), which a client tells from a normal end and may
	 * retry elsewhere, and logs it once. Returns at once; does nothing once the stream ended.
	 */
	public void shutDown() {
		abort(new RelayShutdownException());
	}

	private void abort(RuntimeException reason) {
		if (this.cancelled || this.ended.get()) {
			return;
		}
		this.abortedBy = reason;
		// A task still waiting for a thread starts with its call cancelled, and reports the reason at once.
		this.cancellation.cancel();
	}

	private void endWithError(RuntimeException ex) {
		try {
			finish(this.events.error(ex));
		}
		catch (IOException sendFailure) {
			logger.debug("Relay client of stream {} gone before the error event: {}", this.log.id(), sendFailure.toString());
		}
	}

	private void finish(RelayEvent last) throws IOException {
		this.sink.send(last);
		this.sink.complete();
	}

	/**
	 * Stops the relay: closes the upstream connection in whatever phase the call is (through its
	 * {@link LlmCancellation}), or drops the task while it waits for a thread. Callable from any thread, any number of times; the first call of a stream not yet ended logs
	 * the cancellation.
	 * @param reason why, for the log: {@code client gone}, {@code stopped}, ...
	 */
	public void cancel(String reason) {
		cancel(reason, null);
	}

	private void cancel(String reason, @Nullable Throwable cause) {
		this.cancelled = true;
		if (this.ended.compareAndSet(false, true)) {
			this.log.cancelled(reason, this.phase, this.chunks, cause);
		}
		// Ends the call in every phase: connecting, waiting for the headers, backing off, reading the body.
		this.cancellation.cancel();
		Future<?> submitted = this.future;
		if (submitted != null) {
			submitted.cancel(false);
		}
		if (this.startedOrDropped.compareAndSet(false, true)) {
			over();
		}
	}

}
