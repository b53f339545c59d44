package io.echo.llm.boot;

import java.util.concurrent.BlockingQueue;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.system.JavaVersion;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Warns at start-up when the relay's executor would hold streams back. A relayed stream keeps its executor thread for
 * its whole length, so a platform-thread pool with a queue in front (Boot's {@code applicationTaskExecutor} without
 * virtual threads: 8 threads and an unbounded queue, so that {@code max-size} is never reached) makes every stream
 * beyond the core size wait, unseen by its user, until an earlier one ends.
 * <p>
 * Public for the auto-configuration in {@code io.echo.llm.autoconfigure}; not API, it may change in any release.
 */
public final class RelayExecutorCheck {

	private static final Logger logger = LoggerFactory.getLogger(RelayExecutorCheck.class);

	private RelayExecutorCheck() {
	}

	/**
	 * Logs one warning when streams would wait in the executor's queue.
	 * @param executor the relay's executor
	 * @param bootsExecutor whether it is Boot's {@code applicationTaskExecutor}, which {@code spring.task.execution.*}
	 * configures
	 * @param environment where {@code spring.threads.virtual.enabled} is read
	 */
	public static void warnIfStreamsWouldWait(AsyncTaskExecutor executor, boolean bootsExecutor, Environment environment) {
		String warning = warning(executor, bootsExecutor, environment);
		if (warning != null) {
			logger.warn(warning);
		}
	}

	static @Nullable String warning(AsyncTaskExecutor executor, boolean bootsExecutor, Environment environment) {
		if (!(executor instanceof ThreadPoolTaskExecutor pool) || queueCapacity(pool) == 0) {
			// A thread per task (virtual or not), or a pool that refuses what it cannot run: no stream waits unseen.
			return null;
		}
		String problem = "LlmSseRelay runs each live stream on a thread of its task executor, here a pool of "
				+ pool.getCorePoolSize() + " platform threads with a queue in front: beyond "
				+ pool.getCorePoolSize() + " concurrent streams, a new stream waits in the queue, unseen by its user, "
				+ "until an earlier one ends. ";
		return problem + (bootsExecutor ? virtualThreadsHint(environment) + bootsKeys() : ownExecutorAdvice());
	}

	private static String virtualThreadsHint(Environment environment) {
		if (JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE)) {
			return "Set spring.threads.virtual.enabled=true (a virtual thread per stream), or ";
		}
		boolean enabled = environment.getProperty("spring.threads.virtual.enabled", boolean.class, false);
		return "On Java 21+ set spring.threads.virtual.enabled=true (a virtual thread per stream"
				+ (enabled ? "; it is set, but this is Java " + Runtime.version().feature() + ")" : ")")
				+ "; on this Java ";
	}

	private static String bootsKeys() {
		return "size the pool for the streams you expect with spring.task.execution.pool.core-size, or set "
				+ "spring.task.execution.pool.queue-capacity=0 and spring.task.execution.pool.max-size so that a "
				+ "stream beyond max-size gets a 503 'relay_busy' error event at once.";
	}

	private static String ownExecutorAdvice() {
		return "Give the application's AsyncTaskExecutor a thread per task (on Java 21+ a SimpleAsyncTaskExecutor with "
				+ "virtual threads), a core size for the streams you expect, or no queue and a maximum size so that a "
				+ "stream beyond it gets a 503 'relay_busy' error event at once.";
	}

	private static int queueCapacity(ThreadPoolTaskExecutor pool) {
		try {
			BlockingQueue<Runnable> queue = pool.getThreadPoolExecutor().getQueue();
			return queue.size() + queue.remainingCapacity();
		}
		catch (IllegalStateException ex) {
			// Not initialized yet: the configured capacity is what it will get.
			return pool.getQueueCapacity();
		}
	}

}
