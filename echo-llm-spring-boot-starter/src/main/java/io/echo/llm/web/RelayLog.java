package io.echo.llm.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.echo.llm.LlmException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The one INFO line an operator gets for a relayed stream that did not complete: the id the client saw, the client,
 * the phase, the duration and the outcome. A client leaving is an ordinary event, so no stack trace at INFO; DEBUG
 * adds the cause (its text, not its stack), TRACE the stack.
 * <p>
 * Public only for the resumable relay in {@code io.echo.llm.web.resume}; not API, it may change in any release.
 */
public final class RelayLog {

	/** Where a stream was when it ended. */
	enum Phase {

		/** {@code stream()} had not returned: connecting, waiting for the response head, or between attempts. */
		CONNECTING("connecting"),

		/** The provider answered 2xx; no chunk yet. */
		FIRST_CHUNK("waiting for the first chunk"),

		/** At least one chunk was relayed. */
		STREAMING("streaming");

		private final String text;

		Phase(String text) {
			this.text = text;
		}

	}

	private static final Logger logger = LoggerFactory.getLogger(RelayLog.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String id;

	private final String client;

	private final long startNanos = System.nanoTime();

	RelayLog(String id, String client) {
		this.id = id;
		this.client = client;
	}

	/** Returns a new random id for a stream: 128 bits in URL-safe Base64, so nobody can guess another client's. */
	public static String newId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** A log for a stream of the current HTTP request, whose client is its remote address. */
	public static RelayLog forCurrentRequest(String id) {
		return new RelayLog(id, currentClient());
	}

	String id() {
		return this.id;
	}

	void cancelled(String reason, Phase phase, int chunks, @Nullable Throwable cause) {
		logger.info("LLM stream {} cancelled ({}): client {}, {}, after {} ms and {} chunks", this.id, reason,
				this.client, phase.text, millis(), chunks);
		if (cause != null) {
			logger.debug("LLM stream {} cancelled because of: {}", this.id, cause.toString());
			logger.trace("LLM stream {} cancellation cause", this.id, cause);
		}
	}

	void failed(Throwable failure, Phase phase, int chunks) {
		if (failure instanceof LlmException llm) {
			logger.info("LLM stream {} failed ({} status {} code {}): client {}, {}, after {} ms and {} chunks", this.id,
					llm.getClass().getSimpleName(), llm.status(), llm.code(), this.client, phase.text, millis(), chunks);
			// The message may quote the provider, and the provider may quote the user's prompt: only at DEBUG.
			logger.debug("LLM stream {} failure: {}", this.id, llm.getMessage());
			logger.trace("LLM stream {} failure", this.id, llm);
		}
		else {
			// Not an LLM failure: a defect of the relay or the application, which deserves its stack.
			logger.error("LLM stream {} failed: client {}, {}, after {} ms and {} chunks", this.id, this.client,
					phase.text, millis(), chunks, failure);
		}
	}

	void refused(int live, int max) {
		logger.info("LLM stream {} refused with 503 relay_busy: client {}, {} streams live, the most "
				+ "echo.llm.relay.max-active-streams allows is {}", this.id, this.client, live, max);
	}

	void refusedBusyHost(String load, int live) {
		logger.info("LLM stream {} refused with 503 relay_busy: client {}, {} streams live, host CPU load {}", this.id,
				this.client, live, load);
	}

	void completed(int chunks) {
		logger.debug("LLM stream {} completed: client {}, after {} ms and {} chunks", this.id, this.client, millis(),
				chunks);
	}

	private long millis() {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startNanos);
	}

	private static String currentClient() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			return attributes.getRequest().getRemoteAddr() + ":" + attributes.getRequest().getRemotePort();
		}
		return "unknown";
	}

}
