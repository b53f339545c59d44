package io.echo.llm.sample.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One paced demo answer: each tick of a shared scheduler writes the next SSE frame and schedules the one after, so a
 * stream holds no thread while it waits between tokens, however many run at once.
 * <p>
 * Threads: {@code frames} is advanced by one tick at a time (each tick schedules the next, so ticks never overlap and
 * the scheduler orders them); {@code ended} is atomic because Tomcat's error and timeout callbacks race the ticks.
 */
final class DemoStream implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(DemoStream.class);

	private static final MediaType TEXT_UTF8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	private final SseEmitter emitter = new SseEmitter(0L);

	private final Iterator<String> frames;

	private final @Nullable Duration stall;

	private final ScheduledExecutorService scheduler;

	private final Duration delay;

	private final Runnable onCancelled;

	private final Runnable onEnd;

	private final AtomicBoolean ended = new AtomicBoolean();

	/**
	 * @param frames SSE frames ({@code data: ...\n\n}) in order
	 * @param stall how long to hold the connection open in silence after the last frame, or {@code null} to end it
	 * @param scheduler ticks
	 * @param delay pause between two frames
	 * @param onCancelled run once when the client went away before the end
	 * @param onEnd run once when the stream ends, however it ends
	 */
	DemoStream(List<String> frames, @Nullable Duration stall, ScheduledExecutorService scheduler, Duration delay,
			Runnable onCancelled, Runnable onEnd) {
		this.frames = List.copyOf(frames).iterator();
		this.stall = stall;
		this.scheduler = scheduler;
		this.delay = delay;
		this.onCancelled = onCancelled;
		this.onEnd = onEnd;
	}

	SseEmitter start() {
		// Tomcat reports a client that went away while nothing is being written as an async error.
		this.emitter.onError((ex) -> cancelled());
		// An async timeout must complete the response, or Spring MVC logs it as an unhandled AsyncRequestTimeoutException.
		this.emitter.onTimeout(this::complete);
		schedule(this, Duration.ZERO);
		return this.emitter;
	}

	@Override
	public void run() {
		if (this.ended.get()) {
			return;
		}
		if (!this.frames.hasNext()) {
			if (this.stall != null) {
				// Silence with the connection open: the client's idle timeout has to end this.
				schedule(this::complete, this.stall);
			}
			else {
				complete();
			}
			return;
		}
		try {
			this.emitter.send(Set.of(new DataWithMediaType(this.frames.next(), TEXT_UTF8)));
		}
		catch (IOException | IllegalStateException ex) {
			logger.debug("Demo stream ended by its client: {}", ex.toString());
			cancelled();
			return;
		}
		schedule(this, this.delay);
	}

	private void schedule(Runnable task, Duration after) {
		try {
			this.scheduler.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The application is shutting down.
			complete();
		}
	}

	private void complete() {
		if (end()) {
			this.emitter.complete();
		}
	}

	private void cancelled() {
		if (end()) {
			this.onCancelled.run();
		}
	}

	private boolean end() {
		if (this.ended.compareAndSet(false, true)) {
			this.onEnd.run();
			return true;
		}
		return false;
	}

}
