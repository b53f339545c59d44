package io.echo.llm.fuzz;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a piece of a property on one shared daemon thread and waits for it at most a given time, so that a hang fails
 * the test with a report instead of stopping the build. Like JUnit's {@code assertTimeoutPreemptively}, without a new
 * thread per try.
 */
public final class Bounded {

	private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "echo-llm-fuzz");
		thread.setDaemon(true);
		return thread;
	});

	private Bounded() {
	}

	/**
	 * Returns what the action returns, or rethrows what it threw.
	 * @throws AssertionError when it took longer than {@code bound} (it is interrupted then) or threw an error
	 */
	public static <T> T within(Duration bound, Supplier<T> action) {
		Future<T> result = RUNNER.submit(action::get);
		try {
			return result.get(bound.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			result.cancel(true);
			throw new AssertionError("Did not finish within " + bound + " (a hang, or time that grows too fast)");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new AssertionError(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

}
