package io.echo.llm.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's own small thread pools: a fixed number of daemon threads (an application never waits for them to exit)
 * that end 5 s after their last task, so a burst of calls leaves none behind for long, in front of a bounded queue.
 * Stateless.
 */
final class DaemonPools {

	// Long enough to keep the threads between the chunks of a stream, short enough that a burst leaves none behind.
	private static final long KEEP_ALIVE_SECONDS = 5;

	private DaemonPools() {
	}

	/**
	 * A pool of {@code threads} daemon threads named {@code <prefix><n>}.
	 * @param whenFull what a task gets when the queue is full
	 */
	static ExecutorService create(String prefix, int threads, int queueCapacity, RejectedExecutionHandler whenFull) {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(queueCapacity), (task) -> {
					Thread thread = new Thread(task, prefix + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, whenFull);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
