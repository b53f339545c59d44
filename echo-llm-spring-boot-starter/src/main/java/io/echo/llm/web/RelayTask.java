package io.echo.llm.web;

import java.io.IOException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmException;
import io.echo.llm.LlmStreamService;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pumps one upstream stream into a {@link RelaySink} on an executor thread, and stops it from any thread with
 * {@link #cancel()}. The upstream is closed on every path: end, failure, client gone, cancel.
 */
final class RelayTask implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(RelayTask.class);

	private final LlmStreamService service;

	private final ChatCompletionRequest request;

	private final RelayEvents events;

	private final RelaySink sink;

	private final AtomicReference<@Nullable ChatCompletionStream> upstream = new AtomicReference<>();

	private volatile boolean cancelled;

	private volatile @Nullable Future<?> future;

	RelayTask(LlmStreamService service, ChatCompletionRequest request, RelayEvents events, RelaySink sink) {
		this.service = service;
		this.request = request;
		this.events = events;
		this.sink = sink;
	}

	/** Remembers how the task was submitted, so that {@link #cancel()} can interrupt it while it connects. */
	void submitted(Future<?> future) {
		this.future = future;
		if (this.cancelled) {
			future.cancel(true);
		}
	}

	@Override
	public void run() {
		if (this.cancelled) {
			return;
		}
		try (ChatCompletionStream stream = this.service.stream(this.request)) {
			this.upstream.set(stream);
			if (this.cancelled) {
				// cancel() ran between stream() returning and the set above, and found nothing to cancel.
				return;
			}
			for (ChatCompletionChunk chunk : stream) {
				for (RelayEvent event : this.events.chunk(chunk)) {
					this.sink.send(event);
				}
			}
			if (!this.cancelled) {
				finish(this.events.done());
			}
		}
		catch (IOException ex) {
			logger.debug("Relay client gone; upstream closed", ex);
		}
		catch (RuntimeException ex) {
			fail(ex);
		}
	}

	private void fail(RuntimeException ex) {
		if (this.cancelled) {
			// The upstream fails because it was cancelled: nobody is listening.
			return;
		}
		if (ex instanceof LlmException llm) {
			// The message may quote the provider, and the provider may quote the user's prompt: only at DEBUG.
			logger.warn("LLM stream failed: {} (status {}, code {})", llm.getClass().getSimpleName(), llm.status(),
					llm.code());
			logger.debug("LLM stream failure: {}", llm.getMessage());
		}
		else {
			logger.error("LLM relay failed", ex);
		}
		try {
			finish(this.events.error(ex));
		}
		catch (IOException sendFailure) {
			logger.debug("Relay client gone before the error event", sendFailure);
		}
	}

	private void finish(RelayEvent last) throws IOException {
		this.sink.send(last);
		this.sink.complete();
	}

	/**
	 * Stops the relay: closes the upstream connection if it is open, or interrupts the task while it connects or
	 * waits to retry. Callable from any thread, any number of times.
	 */
	void cancel() {
		this.cancelled = true;
		ChatCompletionStream stream = this.upstream.get();
		if (stream != null) {
			stream.cancel();
			return;
		}
		Future<?> submitted = this.future;
		if (submitted != null) {
			submitted.cancel(true);
		}
		// Opened meanwhile? run() checks the flag right after publishing the stream, and so is covered.
	}

}
