package io.echo.llm.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Creates the relays' {@link SseEmitter}s and writes {@link RelayEvent}s to them byte for byte as documented.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public final class SseEmitters {

	private static final Logger logger = LoggerFactory.getLogger(SseEmitters.class);

	// A comment line: every client ignores it, and writing it is how a server notices a client that left.
	private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NOTHING = new byte[0];

	private SseEmitters() {
	}

	/**
	 * Creates an emitter.
	 * @param timeout zero for none, {@code null} for Spring MVC's async request timeout
	 */
	public static SseEmitter create(@Nullable Duration timeout) {
		return new SseEmitter((timeout != null) ? timeout.toMillis() : null);
	}

	/** Runs the action when the emitter ends for any reason: completion, timeout or error. */
	public static void onEnd(SseEmitter emitter, Runnable action) {
		emitter.onCompletion(action);
		emitter.onTimeout(action);
		emitter.onError((ex) -> action.run());
	}

	/** Writes the last event and completes the emitter; a client already gone is only logged, at DEBUG. */
	public static void endQuietly(SseEmitter emitter, RelayEvent last) {
		try {
			send(emitter, last, null);
			emitter.complete();
		}
		catch (IOException ex) {
			logger.debug("Relay client gone before the last event: {}", ex.toString());
		}
	}

	/**
	 * Sends the response headers without a byte of body: an emitter sends them only with its first write otherwise.
	 * @throws IOException when the client is gone or the emitter already completed
	 */
	static void commit(SseEmitter emitter) throws IOException {
		// An empty write still flushes, and the flush commits the response.
		write(emitter, NOTHING);
	}

	/**
	 * Writes a comment that clients ignore, to find out whether the client is still there while no event flows.
	 * @throws IOException when the client is gone or the emitter already completed
	 */
	public static void heartbeat(SseEmitter emitter) throws IOException {
		write(emitter, HEARTBEAT);
	}

	/**
	 * Writes one event, with the given {@code id:} field or none.
	 * @throws IOException when the client is gone or the emitter already completed
	 */
	public static void send(SseEmitter emitter, RelayEvent event, @Nullable String id) throws IOException {
		write(emitter, event.toSse(id).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Writes bytes already in the {@code text/event-stream} format, whole events only, and flushes them.
	 * @throws IOException when the client is gone or the emitter already completed
	 */
	public static void write(SseEmitter emitter, byte[] sse) throws IOException {
		try {
			// Bytes with no media type: Spring's byte-array converter copies them as they are, where a String would
			// be encoded twice (once to count its length) and its media type parsed again on every write.
			emitter.send(Set.of(new DataWithMediaType(sse, null)));
		}
		catch (IllegalStateException ex) {
			// The emitter already completed (timeout, error): the client is gone as far as we are concerned.
			throw new IOException("SSE emitter already completed", ex);
		}
	}

}
