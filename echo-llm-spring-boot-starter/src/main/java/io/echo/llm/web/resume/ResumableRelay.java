package io.echo.llm.web.resume;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.web.LiveStreams;
import io.echo.llm.web.RelayError;
import io.echo.llm.web.RelayEvent;
import io.echo.llm.web.RelayEvents;
import io.echo.llm.web.RelayFormat;
import io.echo.llm.web.RelayLog;
import io.echo.llm.web.RelayResumption;
import io.echo.llm.web.RelaySettings;
import io.echo.llm.web.RelaySink;
import io.echo.llm.web.RelayTask;
import io.echo.llm.web.SseEmitters;
import io.echo.llm.web.SseHeartbeats;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The browser relay when it is resumable: the upstream's events go to an {@link LlmStreamStore} first, then to the
 * client that asked, each with the id {@code <streamId>:<sequence>}. A client that lost its connection follows the
 * stream again from its last id, on this instance or another one sharing the store. The upstream outlives its client
 * for the resume window, and stops when any instance asks. Give it to an {@link io.echo.llm.web.LlmSseRelay}:
 *
 * <pre>{@code
 * new LlmSseRelay(service, executor, Duration.ZERO,
 *         new ResumableRelay(store, executor, Duration.ZERO, Duration.ofSeconds(30)));
 * }</pre>
 *
 * Thread-safe: each stream's state lives in its {@code Producer} (written by the executor thread that runs the upstream,
 * read by the heartbeat thread through volatile fields) or its {@code Follow} (one executor thread each); this class
 * holds only final fields.
 */
public final class ResumableRelay implements RelayResumption {

	/** Name of the first event of every resumable stream; its data tells the client the stream id. */
	private static final String STREAM_EVENT = "stream";

	private static final Logger logger = LoggerFactory.getLogger(ResumableRelay.class);

	private static final RelayEvent CANCELLED = new RelayEvent("done", "{\"finish_reason\":\"cancelled\"}");

	private static final RelayEvent BUSY = RelayError.BUSY.event();

	// A quiet writer renews its lease this often, well inside the lease, so that a few late checks do not matter.
	private static final long KEEP_ALIVE_NANOS = LlmStreamStore.WRITER_LEASE.toNanos() / 4;

	private final LlmStreamStore store;

	private final AsyncTaskExecutor executor;

	private final @Nullable Duration timeout;

	private final Duration resumeWindow;

	private final Duration checkInterval;

	// Its one thread also runs every stream's resume-window check: each check is a flag read or one store call.
	private final SseHeartbeats heartbeats;

	// The replies whose upstream runs here and is not over, which a shutdown ends.
	private final LiveStreams live = new LiveStreams();

	/**
	 * Creates the resumable relay.
	 * @param store where the events are kept
	 * @param executor executor the upstream calls and the followers run on
	 * @param timeout time after which an emitter times out; zero for none, {@code null} for Spring MVC's async
	 * request timeout
	 * @param resumeWindow how long the upstream goes on without any client
	 */
	public ResumableRelay(LlmStreamStore store, AsyncTaskExecutor executor, @Nullable Duration timeout,
			Duration resumeWindow) {
		this(store, executor, timeout, resumeWindow, RelaySettings.DEFAULT_FLUSH_INTERVAL);
	}

	/**
	 * Creates the resumable relay.
	 * @param store where the events are kept
	 * @param executor executor the upstream calls and the followers run on
	 * @param timeout time after which an emitter times out; zero for none, {@code null} for Spring MVC's async
	 * request timeout
	 * @param resumeWindow how long the upstream goes on without any client
	 * @param flushInterval longest time an event waits to be written to its client with the ones that follow it
	 * ({@link RelaySettings#flushInterval()}); zero writes every event at once
	 */
	public ResumableRelay(LlmStreamStore store, AsyncTaskExecutor executor, @Nullable Duration timeout,
			Duration resumeWindow, Duration flushInterval) {
		this.store = Objects.requireNonNull(store, "store");
		this.executor = Objects.requireNonNull(executor, "executor");
		this.timeout = timeout;
		this.resumeWindow = Objects.requireNonNull(resumeWindow, "resumeWindow");
		long quarter = Math.max(20, Math.min(1000, resumeWindow.toMillis() / 4));
		this.checkInterval = Duration.ofMillis(quarter);
		this.heartbeats = new SseHeartbeats(executor, flushInterval);
	}

	@Override
	public SseEmitter relay(LlmStreamService service, ChatCompletionRequest request) {
		return relay(service, request, () -> {
		});
	}

	/** Runs the action when the upstream ends: it outlives its client for the resume window. */
	@Override
	public SseEmitter relay(LlmStreamService service, ChatCompletionRequest request, Runnable whenOver) {
		SseEmitter emitter = SseEmitters.create(this.timeout);
		String streamId;
		try {
			streamId = this.store.create();
		}
		catch (LlmStreamStoreFullException ex) {
			logger.warn("Resumable relay refused: {}", ex.getMessage());
			whenOver.run();
			SseEmitters.endQuietly(emitter, BUSY);
			return emitter;
		}
		Producer producer = new Producer(streamId, emitter);
		RelayTask task = new RelayTask(service, request, RelayEvents.of(RelayFormat.BROWSER), producer,
				RelayLog.forCurrentRequest(streamId));
		Runnable over = this.live.track(task, whenOver);
		task.whenOver(over);
		producer.start(task, over);
		return emitter;
	}

	@Override
	public SseEmitter resume(String streamId, long afterSequence) {
		LlmStreamStore.Follower follower = this.store.follow(streamId, afterSequence);
		SseEmitter emitter = SseEmitters.create(this.timeout);
		StreamFollow follow = new StreamFollow(streamId, follower, emitter);
		SseEmitters.onEnd(emitter, follow::clientGone);
		try {
			this.executor.submit(follow);
		}
		catch (TaskRejectedException ex) {
			follower.close();
			RelayError.logRejected(logger, "Stream resume", ex);
			SseEmitters.endQuietly(emitter, BUSY);
		}
		return emitter;
	}

	/** Resumes from an event id {@code <streamId>:<sequence>}; an unknown stream or bad id ends with an error event. */
	@Override
	public SseEmitter resumeQuietly(String lastEventId) {
		String streamId = lastEventId.substring(0, lastEventId.lastIndexOf(':'));
		try {
			return resume(streamId, LlmStreamController.afterSequence(streamId, lastEventId, null));
		}
		catch (LlmStreamNotFoundException ex) {
			return ended(RelayError.STREAM_NOT_FOUND);
		}
		catch (IllegalArgumentException ex) {
			// Our own messages (a malformed id, a sequence past the end): they name no secret.
			return ended(new RelayError(400, "bad_request", ex.getMessage()));
		}
	}

	private SseEmitter ended(RelayError error) {
		SseEmitter emitter = SseEmitters.create(this.timeout);
		SseEmitters.endQuietly(emitter, error.event());
		return emitter;
	}

	@Override
	public boolean stop(String streamId) {
		return this.store.requestStop(streamId);
	}

	@Override
	public void shutDown() {
		this.live.shutDown();
	}

	/** Stops the heartbeats and the resume-window checks. */
	@Override
	public void close() {
		this.heartbeats.close();
	}

	/**
	 * Writes the upstream's events to the store, then to the client that asked while it is there. Losing that client
	 * never fails the upstream: the resume-window check decides when nobody is coming back.
	 */
	private final class Producer implements RelaySink {

		private final String streamId;

		private final SseEmitter emitter;

		private final SseHeartbeats.Watch watch;

		private volatile boolean attached = true;

		private volatile boolean finished;

		private @Nullable RelayTask task;

		private LlmStreamStore.@Nullable Registration stopRegistration;

		private @Nullable ScheduledFuture<?> check;

		// Read and written only by the scheduler thread.
		private long unfollowedSince = -1;

		// When this writer last appended or renewed its lease, so that followers elsewhere know it is alive.
		private volatile long lastWrite = System.nanoTime();

		Producer(String streamId, SseEmitter emitter) {
			this.streamId = streamId;
			this.emitter = emitter;
			this.watch = ResumableRelay.this.heartbeats.watch(emitter);
		}

		void start(RelayTask task, Runnable whenOver) {
			this.task = task;
			SseEmitters.onEnd(this.emitter, this::detach);
			this.stopRegistration = ResumableRelay.this.store.onStop(this.streamId, () -> task.cancel("stopped"));
			// The resume window starts once a comment finds the client gone while the upstream is quiet.
			this.watch.start(this::detach);
			this.check = ResumableRelay.this.heartbeats.every(ResumableRelay.this.checkInterval, this::checkFollowed);
			try {
				Future<?> future = ResumableRelay.this.executor.submit(this::run);
				task.submitted(future);
			}
			catch (TaskRejectedException ex) {
				// Never runs: no longer live.
				whenOver.run();
				RelayError.logRejected(logger, "LLM relay", ex);
				send(BUSY);
				complete();
				ended();
			}
		}

		private void run() {
			RelayTask task = Objects.requireNonNull(this.task);
			try {
				send(new RelayEvent(STREAM_EVENT, JsonNodeFactory.instance.objectNode().put("stream_id", this.streamId).toString()));
				task.run();
			}
			catch (RuntimeException ex) {
				// One line for the operator, naming the stream id its client saw; the stack trace at DEBUG.
				logger.error("Resumable relay of stream {} failed: {}", this.streamId, ex.toString());
				logger.debug("Resumable relay of stream {} failed", this.streamId, ex);
			}
			finally {
				ended();
			}
		}

		@Override
		public void send(RelayEvent event) {
			long sequence = ResumableRelay.this.store.append(this.streamId, Objects.requireNonNull(event.name()), event.data());
			this.lastWrite = System.nanoTime();
			if (this.attached) {
				try {
					this.watch.send(event, this.streamId + ":" + sequence);
				}
				catch (IOException ex) {
					logger.debug("Client of stream {} gone; the upstream goes on for the resume window", this.streamId);
					detach();
				}
			}
		}

		@Override
		public void complete() {
			this.finished = true;
			ResumableRelay.this.store.finish(this.streamId);
			if (this.attached) {
				this.watch.complete();
			}
		}

		private void detach() {
			this.attached = false;
			this.watch.stop();
		}

		/** Runs once the task is over, whichever way: a cancelled stream still ends, so its followers end too. */
		private void ended() {
			if (this.check != null) {
				this.check.cancel(false);
			}
			if (this.stopRegistration != null) {
				this.stopRegistration.close();
			}
			if (!this.finished) {
				try {
					send(CANCELLED);
					complete();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not mark stream {} finished: {}", this.streamId, ex.toString());
					logger.debug("Could not mark stream {} finished", this.streamId, ex);
					this.watch.complete();
				}
			}
		}

		private void checkFollowed() {
			keepAlive();
			try {
				if (this.attached || ResumableRelay.this.store.isFollowed(this.streamId)) {
					this.unfollowedSince = -1;
					return;
				}
				long now = System.nanoTime();
				if (this.unfollowedSince < 0) {
					this.unfollowedSince = now;
				}
				else if (now - this.unfollowedSince >= ResumableRelay.this.resumeWindow.toNanos()) {
					logger.debug("Nobody followed stream {} for {}; cancelling the upstream", this.streamId,
							ResumableRelay.this.resumeWindow);
					Objects.requireNonNull(this.task).cancel("no client within the resume window");
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not check the followers of stream {}", this.streamId, ex);
			}
		}

		private void keepAlive() {
			long now = System.nanoTime();
			if (now - this.lastWrite >= KEEP_ALIVE_NANOS) {
				try {
					ResumableRelay.this.store.keepAlive(this.streamId);
					this.lastWrite = now;
				}
				catch (RuntimeException ex) {
					logger.warn("Could not renew the writer lease of stream {}", this.streamId, ex);
				}
			}
		}

	}

}
