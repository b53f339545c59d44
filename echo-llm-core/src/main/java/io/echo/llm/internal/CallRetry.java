package io.echo.llm.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTimeoutException.Kind;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Retry policy and back-off of one call. Created per call because the back-off must see what the server said about
 * the last failure ({@code Retry-After}, {@code x-should-retry}), which Spring's {@link BackOffExecution} is never
 * shown: each attempt reports it through {@link #serverSaid} before it throws.
 * <p>
 * Retried: I/O failures before a response, connect and first-chunk timeouts, 408, 409, 429 and 5xx, unless the server
 * says {@code x-should-retry: false}; {@code x-should-retry: true} also retries other statuses, but never 3xx, 400,
 * 401, 403, 404 or 422 (a request that is wrong stays wrong). Never after a cancel or an interrupt. A server wait replaces the computed back-off, even above
 * {@code maxBackoff}; one above {@code maxRetryAfter} fails the call at once.
 * <p>
 * The back-off is waited out here, not in {@code RetryTemplate}'s {@code Thread.sleep}: {@link #cancel()} from another
 * thread must end a wait of a server's {@code Retry-After} at once, and an interrupt of the waiting thread counts as a
 * cancel (the flag stays set for the caller).
 * <p>
 * Threads: {@code attempts}, {@code serverWait}, {@code serverShouldRetry} and {@code lastFailure} belong to the
 * thread that runs the call (the retry template runs every attempt on it); {@code cancelled}, {@code inFlight} and the
 * cancel latch are shared with {@link #cancel()}, which any thread may call.
 */
final class CallRetry implements RetryPolicy, BackOff, BackOffExecution {

	private static final Logger logger = LoggerFactory.getLogger(CallRetry.class);

	private static final Set<Integer> NEVER_RETRIED = Set.of(400, 401, 403, 404, 422);

	private static final Set<Integer> RETRIED = Set.of(408, 409, 429);

	private final LlmClientSettings settings;

	private int attempts;

	private @Nullable Duration serverWait;

	private @Nullable Boolean serverShouldRetry;

	private @Nullable Throwable lastFailure;

	private volatile boolean cancelled;

	private volatile @Nullable Exchange inFlight;

	private final CountDownLatch cancelSignal = new CountDownLatch(1);

	CallRetry(LlmClientSettings settings) {
		this.settings = settings;
	}

	/** An attempt starts; forgets what the server said about the previous one. */
	int startAttempt() {
		this.serverWait = null;
		this.serverShouldRetry = null;
		return ++this.attempts;
	}

	/** Called by every attempt once its exchange exists, so that a cancel from another thread can abort it. */
	void attemptStarted(Exchange exchange) {
		this.inFlight = exchange;
		if (this.cancelled) {
			exchange.cancel();
		}
	}

	boolean cancelled() {
		return this.cancelled;
	}

	/** The caller cancelled: abort the attempt in flight or the back-off, and stop retrying. */
	void cancel() {
		this.cancelled = true;
		this.cancelSignal.countDown();
		Exchange exchange = this.inFlight;
		if (exchange != null) {
			exchange.cancel();
		}
	}

	@Nullable Throwable lastFailure() {
		return this.lastFailure;
	}

	/** What the server's response to the current attempt said about retrying. */
	void serverSaid(@Nullable Duration wait, @Nullable Boolean shouldRetry) {
		this.serverWait = wait;
		this.serverShouldRetry = shouldRetry;
	}

	@Override
	public boolean shouldRetry(Throwable failure) {
		this.lastFailure = failure;
		if (this.cancelled || this.attempts >= this.settings.maxAttempts() || !retryable(failure)) {
			return false;
		}
		Duration wait = this.serverWait;
		return wait == null || wait.compareTo(this.settings.maxRetryAfter()) <= 0;
	}

	private boolean retryable(Throwable failure) {
		if (failure instanceof LlmTimeoutException timeout) {
			return timeout.kind() == Kind.CONNECT || timeout.kind() == Kind.FIRST_CHUNK;
		}
		if (failure instanceof LlmApiException api) {
			int status = api.status();
			// A redirect would redirect again; it is not followed either (see ResponseChecks.redirect).
			if (NEVER_RETRIED.contains(status) || (status >= 300 && status < 400)) {
				return false;
			}
			Boolean serverSays = this.serverShouldRetry;
			if (serverSays != null) {
				return serverSays;
			}
			return RETRIED.contains(status) || status >= 500;
		}
		// Only thrown for failures before a response: nothing was delivered, the request can be sent again.
		return failure instanceof LlmNetworkException;
	}

	/** Whether a server wait above {@code maxRetryAfter} is what stopped the retry of this failure. */
	boolean waitTooLong() {
		Duration wait = this.serverWait;
		return wait != null && wait.compareTo(this.settings.maxRetryAfter()) > 0;
	}

	@Override
	public BackOff getBackOff() {
		return this;
	}

	@Override
	public BackOffExecution start() {
		return this;
	}

	/** Waits out the back-off and returns 0 for {@code RetryTemplate} to sleep, or {@code STOP} when cancelled. */
	@Override
	public long nextBackOff() {
		long backOff = plannedBackOff();
		if (backOff == STOP) {
			return STOP;
		}
		try {
			return this.cancelSignal.await(backOff, TimeUnit.MILLISECONDS) ? STOP : 0;
		}
		catch (InterruptedException ex) {
			// Whoever interrupted us wants the call to stop (the relay does so while its task waits to retry).
			Thread.currentThread().interrupt();
			this.cancelled = true;
			logger.debug("Interrupted while waiting to retry; not retrying");
			return STOP;
		}
	}

	/** The back-off before the next attempt in milliseconds, or {@code STOP}. */
	long plannedBackOff() {
		if (this.cancelled || this.attempts >= this.settings.maxAttempts()) {
			return STOP;
		}
		Duration wait = this.serverWait;
		long backOff = (wait != null) ? wait.toMillis() : computedBackOff(this.attempts);
		logger.debug("Attempt {} failed; next in {} ms{}", this.attempts, backOff,
				(wait != null) ? " (as the server asked)" : "");
		return backOff;
	}

	/** Exponential from {@code initialBackoff}, capped at {@code maxBackoff}, minus up to 25% jitter. */
	private long computedBackOff(int failedAttempts) {
		long initial = Math.max(0, this.settings.initialBackoff().toMillis());
		long max = Math.max(0, this.settings.maxBackoff().toMillis());
		int doublings = Math.min(failedAttempts - 1, 30);
		long backOff = Math.min(max, initial << doublings);
		if (backOff <= 0) {
			return 0;
		}
		double jitter = 1 - 0.25 * ThreadLocalRandom.current().nextDouble();
		return (long) (backOff * jitter);
	}

}
