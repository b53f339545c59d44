package io.echo.llm.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Threads on which the JDK {@code HttpClient}s that the engine builds do their own work: handing the bytes their
 * selector thread read to the body stream a caller blocks on, completing the response futures. None of it blocks
 * (the body stream takes bytes only as fast as its reader asks), so a few threads serve any number of streams.
 * Without an executor of its own, each client starts a cached pool: one thread per overlapping task, each kept for
 * 60 s, so that a burst of streams left dozens of threads behind for a minute.
 */
final class JdkClientThreads {

	private static final int THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());

	// Should the queue ever fill, the client's own thread runs the task: slower, but nothing is lost.
	static final ExecutorService EXECUTOR = DaemonPools.create("echo-llm-http-", THREADS, 100_000,
			new ThreadPoolExecutor.CallerRunsPolicy());

	private JdkClientThreads() {
	}

}
