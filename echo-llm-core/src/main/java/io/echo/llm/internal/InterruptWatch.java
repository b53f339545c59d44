package io.echo.llm.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices that a thread blocked in an exchange was interrupted, and aborts the exchange. A thread blocked in a socket
 * read or connect (Apache HttpClient 5 reads on the caller's thread) does not wake on {@link Thread#interrupt()}, so
 * the watchdog thread looks at the waiters of all open exchanges every {@link #PERIOD} while there are any; the JDK
 * {@code HttpClient} wakes on its own, which this does not hurt. Checking a flag is a few nanoseconds per exchange.
 * <p>
 * Threads: reading threads add and remove their exchanges while the watchdog thread sweeps them, so the set is
 * concurrent; {@code scheduled} (atomic) keeps at most one sweep scheduled.
 */
final class InterruptWatch {

	/** How long an interrupt may go unnoticed: well under the second the contract allows. */
	static final Duration PERIOD = Duration.ofMillis(100);

	private final TimeoutWatchdog watchdog;

	private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	InterruptWatch(TimeoutWatchdog watchdog) {
		this.watchdog = watchdog;
	}

	void add(Exchange exchange) {
		this.exchanges.add(exchange);
		scheduleIfNeeded();
	}

	void remove(Exchange exchange) {
		this.exchanges.remove(exchange);
	}

	private void scheduleIfNeeded() {
		if (!this.exchanges.isEmpty() && this.scheduled.compareAndSet(false, true)) {
			this.watchdog.schedule(this::sweep, PERIOD.toNanos());
		}
	}

	private void sweep() {
		try {
			for (Exchange exchange : this.exchanges) {
				Thread waiter = exchange.waiter();
				if (waiter != null && waiter.isInterrupted()) {
					exchange.interrupt();
				}
			}
		}
		finally {
			// An exchange added while this ran found the flag set and did not schedule: look again.
			this.scheduled.set(false);
			scheduleIfNeeded();
		}
	}

}
