package io.echo.llm.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads on which the JDK {@code HttpClient}s that the engine builds do their own work: handing the bytes their
 * selector thread read to the body stream a caller blocks on, completing the response futures. None of it blocks
 * (the body stream takes bytes only as fast as its reader asks), so a few threads serve any number of streams.
 * Without an executor of its own, each client starts a cached pool: one thread per overlapping task, each kept for
 * 60 s, so that a burst of streams left dozens of threads behind for a minute.
 */
final class JdkClientThreads {

	private static final int THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());

	// Long enough to keep the threads between the chunks of a stream, short enough that a burst leaves none behind.
	private static final long KEEP_ALIVE_SECONDS = 5;

	static final ExecutorService EXECUTOR = create();

	private JdkClientThreads() {
	}

	private static ExecutorService create() {
		AtomicInteger count = new AtomicInteger();
		// Should the queue ever fill, the client's own thread runs the task: slower, but nothing is lost.
		ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(100_000), (task) -> {
					Thread thread = new Thread(task, "echo-llm-http-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.CallerRunsPolicy());
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
