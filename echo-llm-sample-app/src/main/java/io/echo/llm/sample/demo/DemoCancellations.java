package io.echo.llm.sample.demo;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The prompts of the most recent demo streams that ended because their client closed the connection: what a cancel
 * looks like from the provider's side. Tests wait on it to check that a Stop in the browser reached the upstream.
 * Threads: {@code prompts} is guarded by itself; streams end on scheduler threads while tests read it.
 */
public final class DemoCancellations {

	private static final int REMEMBERED = 32;

	private final Deque<String> prompts = new ArrayDeque<>();

	void record(String prompt) {
		synchronized (this.prompts) {
			if (this.prompts.size() == REMEMBERED) {
				this.prompts.removeFirst();
			}
			this.prompts.addLast(prompt);
			this.prompts.notifyAll();
		}
	}

	/**
	 * Waits until a stream whose last user message contains {@code promptFragment} has been cancelled by its client.
	 * @param promptFragment text the prompt contains
	 * @param timeout how long to wait at most
	 * @return whether it was, within the timeout
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean await(String promptFragment, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.prompts) {
			while (this.prompts.stream().noneMatch((prompt) -> prompt.contains(promptFragment))) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.prompts, left);
			}
			return true;
		}
	}

}
