package io.echo.llm.web.resume;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.echo.llm.web.resume.LlmStreamStore.Batch;
import io.echo.llm.web.resume.LlmStreamStore.Follower;
import io.echo.llm.web.resume.LlmStreamStore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What every {@link LlmStreamStore} does, run against each implementation.
 */
public abstract class AbstractLlmStreamStoreTests {

	protected static final Duration LONG_WAIT = Duration.ofSeconds(10);

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	/** Returns a store with a retention of minutes and the given byte limit per stream. */
	protected abstract LlmStreamStore store(long maxStreamBytes);

	protected LlmStreamStore store() {
		return store(1024 * 1024);
	}

	@AfterEach
	void stopExecutor() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void appendNumbersEventsFromOneWithoutGaps() {
		LlmStreamStore store = store();
		String id = store.create();
		assertThat(List.of(store.append(id, "token", "a"), store.append(id, "token", "b"), store.append(id, "done", "c")))
			.containsExactly(1L, 2L, 3L);
	}

	@Test
	void streamIdsAreUniqueAndFreeOfColons() {
		LlmStreamStore store = store();
		String first = store.create();
		String second = store.create();
		assertThat(first).isNotEqualTo(second).doesNotContain(":").matches("[A-Za-z0-9_-]{22}");
	}

	@Test
	void followerFromZeroGetsEveryEventThenFinished() {
		LlmStreamStore store = store();
		String id = store.create();
		store.append(id, "token", "{\"text\":\"Hel\"}");
		store.append(id, "token", "{\"text\":\"lo\"}");
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.events()).containsExactly(new StoredEvent(1, "token", "{\"text\":\"Hel\"}"),
					new StoredEvent(2, "token", "{\"text\":\"lo\"}"));
			assertThat(batch.finished()).isTrue();
			assertThat(batch.missed()).isZero();
		}
	}

	@Test
	void followerAfterASequenceGetsOnlyLaterEvents() {
		LlmStreamStore store = store();
		String id = store.create();
		for (int i = 1; i <= 5; i++) {
			store.append(id, "token", "t" + i);
		}
		try (Follower follower = store.follow(id, 3)) {
			assertThat(follower.next(LONG_WAIT).events()).extracting(StoredEvent::sequence).containsExactly(4L, 5L);
		}
	}

	@Test
	void followerAtTheEndOfAFinishedStreamGetsFinishedAndNoEvents() {
		LlmStreamStore store = store();
		String id = store.create();
		store.append(id, "done", "{}");
		store.finish(id);
		try (Follower follower = store.follow(id, 1)) {
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.events()).isEmpty();
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void followingPastTheLastEventIsRejectedAtOnce() {
		LlmStreamStore store = store();
		String live = store.create();
		store.append(live, "token", "a");
		String finished = store.create();
		store.append(finished, "done", "{}");
		store.finish(finished);
		assertThatIllegalArgumentException().isThrownBy(() -> store.follow(finished, 2))
			.withMessage("Sequence 2 is past the last event of this reply (1)");
		// On a live stream it would skip the events up to it without a word.
		assertThatIllegalArgumentException().isThrownBy(() -> store.follow(live, 3))
			.withMessage("Sequence 3 is past the last event of this reply (1)");
	}

	@Test
	void waitingFollowerWakesWhenAnEventIsAppended() throws Exception {
		LlmStreamStore store = store();
		String id = store.create();
		store.append(id, "token", "first");
		try (Follower follower = store.follow(id, 1)) {
			CountDownLatch reading = new CountDownLatch(1);
			Future<Batch> next = this.executor.submit(() -> {
				reading.countDown();
				return follower.next(LONG_WAIT);
			});
			assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
			store.append(id, "token", "second");
			// Had the follower slept through the append, it would return an empty batch after LONG_WAIT.
			assertThat(next.get(15, TimeUnit.SECONDS).events()).containsExactly(new StoredEvent(2, "token", "second"));
		}
	}

	@Test
	void waitingFollowerWakesWhenTheStreamFinishes() throws Exception {
		LlmStreamStore store = store();
		String id = store.create();
		try (Follower follower = store.follow(id, 0)) {
			Future<Batch> next = this.executor.submit(() -> follower.next(LONG_WAIT));
			store.finish(id);
			Batch batch = next.get(15, TimeUnit.SECONDS);
			while (!batch.finished() && batch.events().isEmpty()) {
				batch = follower.next(LONG_WAIT);
			}
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void nextReturnsAnEmptyUnfinishedBatchWhenTheWaitRunsOut() {
		LlmStreamStore store = store();
		String id = store.create();
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(Duration.ofMillis(20));
			assertThat(batch.events()).isEmpty();
			assertThat(batch.finished()).isFalse();
		}
	}

	@Test
	void followingAnUnknownStreamIsNotFound() {
		assertThatExceptionOfType(LlmStreamNotFoundException.class).isThrownBy(() -> store().follow("nope", 0))
			.withMessageContaining("'nope'")
			.withMessageContaining("unknown or expired");
	}

	@Test
	void appendingToAnUnknownStreamIsNotFound() {
		assertThatExceptionOfType(LlmStreamNotFoundException.class)
			.isThrownBy(() -> store().append("nope", "token", "{}"));
	}

	@Test
	void appendingToAFinishedStreamFails() {
		LlmStreamStore store = store();
		String id = store.create();
		store.finish(id);
		assertThatIllegalStateException().isThrownBy(() -> store.append(id, "token", "{}"))
			.withMessageContaining("finished");
	}

	@Test
	void finishingTwiceKeepsOneEnd() {
		LlmStreamStore store = store();
		String id = store.create();
		store.append(id, "done", "{}");
		store.finish(id);
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.events()).hasSize(1);
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void followerThatFellBehindTheCapIsToldHowManyEventsItMissed() {
		LlmStreamStore store = store(30);
		String id = store.create();
		try (Follower follower = store.follow(id, 0)) {
			// Each event is 5 + 5 bytes, so the stream keeps the last three.
			for (int i = 1; i <= 6; i++) {
				store.append(id, "token", "data" + i);
			}
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.missed()).isEqualTo(3);
			assertThat(batch.events()).extracting(StoredEvent::sequence).containsExactly(4L, 5L, 6L);
		}
	}

	@Test
	void newestEventIsKeptEvenWhenLargerThanTheCap() {
		LlmStreamStore store = store(8);
		String id = store.create();
		store.append(id, "token", "a");
		store.append(id, "token", "much larger than eight bytes");
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.missed()).isEqualTo(1);
			assertThat(batch.events()).containsExactly(new StoredEvent(2, "token", "much larger than eight bytes"));
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void streamIsFollowedWhileAFollowerIsOpen() {
		LlmStreamStore store = store();
		String id = store.create();
		assertThat(store.isFollowed(id)).isFalse();
		try (Follower follower = store.follow(id, 0)) {
			assertThat(store.isFollowed(id)).isTrue();
		}
		assertThat(store.isFollowed(id)).isFalse();
	}

	@Test
	void stopRequestRunsTheListenerAndStaysVisible() throws InterruptedException {
		LlmStreamStore store = store();
		String id = store.create();
		CountDownLatch stopped = new CountDownLatch(1);
		try (LlmStreamStore.Registration registration = store.onStop(id, stopped::countDown)) {
			assertThat(store.isStopRequested(id)).isFalse();
			assertThat(store.requestStop(id)).isTrue();
			assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(store.isStopRequested(id)).isTrue();
		}
	}

	@Test
	void stopListenerRegisteredAfterTheRequestRunsAtOnce() {
		LlmStreamStore store = store();
		String id = store.create();
		store.requestStop(id);
		CountDownLatch stopped = new CountDownLatch(1);
		store.onStop(id, stopped::countDown).close();
		assertThat(stopped.getCount()).isZero();
	}

	@Test
	void closedStopRegistrationIsNotRun() throws InterruptedException {
		LlmStreamStore store = store();
		String id = store.create();
		CountDownLatch stopped = new CountDownLatch(1);
		store.onStop(id, stopped::countDown).close();
		CountDownLatch other = new CountDownLatch(1);
		try (LlmStreamStore.Registration registration = store.onStop(id, other::countDown)) {
			store.requestStop(id);
			assertThat(other.await(5, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(stopped.getCount()).isOne();
	}

	@Test
	void stoppingAnUnknownStreamReturnsFalse() {
		assertThat(store().requestStop("nope")).isFalse();
	}

}
