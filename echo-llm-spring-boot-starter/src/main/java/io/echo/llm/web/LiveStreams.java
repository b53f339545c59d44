package io.echo.llm.web;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What a shutdown must end and wait for: the relay tasks whose upstream call is not over, and the responses that
 * Spring MVC has not ended. A shutdown ends every task (and any that starts after it) with a
 * {@code 503 server_shutting_down} error, through the task's own thread (see {@link RelayTask#shutDown()}).
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public final class LiveStreams {

	// How often a shutdown checks whether the streams it ended are over.
	private static final Duration POLL = Duration.ofMillis(20);

	private final Set<RelayTask> tasks = ConcurrentHashMap.newKeySet();

	private final AtomicInteger responses = new AtomicInteger();

	private volatile boolean shuttingDown;

	/**
	 * Tracks the task until it is over; a task that starts while the application shuts down ends at once.
	 * @param whenOver what to run when the task is over
	 * @return what to give {@link RelayTask#whenOver}: forgets the task, then runs {@code whenOver}
	 */
	public Runnable track(RelayTask task, Runnable whenOver) {
		this.tasks.add(task);
		if (this.shuttingDown) {
			task.shutDown();
		}
		return () -> {
			this.tasks.remove(task);
			whenOver.run();
		};
	}

	/**
	 * Counts the response until Spring MVC ends it (completion, timeout or error). Only for an emitter sure to reach
	 * Spring MVC: one that never does never ends, and a shutdown would wait for it.
	 */
	SseEmitter counted(SseEmitter emitter) {
		this.responses.incrementAndGet();
		AtomicBoolean ended = new AtomicBoolean();
		SseEmitters.onEnd(emitter, () -> {
			if (ended.compareAndSet(false, true)) {
				this.responses.decrementAndGet();
			}
		});
		return emitter;
	}

	/** Ends every live task, and every one that starts from now on. */
	public void shutDown() {
		this.shuttingDown = true;
		for (RelayTask task : this.tasks) {
			task.shutDown();
		}
	}

	/** Responses handed to Spring MVC and not ended yet. */
	int openResponses() {
		return this.responses.get();
	}

	/**
	 * Runs the callback once {@code over} holds, checking it on the heartbeats' thread; at once when it holds already
	 * or when that thread is gone (nothing would end the streams any more).
	 */
	static void whenOver(SseHeartbeats heartbeats, BooleanSupplier over, Runnable callback) {
		if (over.getAsBoolean()) {
			callback.run();
			return;
		}
		AtomicBoolean called = new AtomicBoolean();
		AtomicReference<@Nullable ScheduledFuture<?>> poll = new AtomicReference<>();
		Runnable check = () -> {
			if (over.getAsBoolean() && called.compareAndSet(false, true)) {
				ScheduledFuture<?> self = poll.get();
				if (self != null) {
					self.cancel(false);
				}
				callback.run();
			}
		};
		try {
			poll.set(heartbeats.every(POLL, check));
		}
		catch (RejectedExecutionException ex) {
			callback.run();
		}
	}

}
