package io.echo.llm.web.resume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryLlmStreamStore}: the shared behaviour, its stream-count limit and retention.
 */
class InMemoryLlmStreamStoreTests extends AbstractLlmStreamStoreTests {

	private final MutableClock clock = new MutableClock();

	@Override
	protected LlmStreamStore store(long maxStreamBytes) {
		return new InMemoryLlmStreamStore(Duration.ofMinutes(5), 100, maxStreamBytes, this.clock);
	}

	@Test
	void finishedStreamIsGoneAfterRetention() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 10, 1024, this.clock);
		String id = store.create();
		store.append(id, "done", "{}");
		store.finish(id);
		this.clock.advance(Duration.ofMinutes(4));
		store.follow(id, 0).close();
		this.clock.advance(Duration.ofMinutes(1));
		assertThatExceptionOfType(LlmStreamNotFoundException.class).isThrownBy(() -> store.follow(id, 0));
		assertThat(store.requestStop(id)).isFalse();
	}

	@Test
	void streamStillWrittenNeverExpires() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 10, 1024, this.clock);
		String id = store.create();
		this.clock.advance(Duration.ofHours(1));
		assertThat(store.append(id, "token", "{}")).isOne();
	}

	@Test
	void newStreamEvictsTheStreamThatFinishedFirst() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 3, 1024, this.clock);
		String live = store.create();
		String finishedSecond = store.create();
		String finishedFirst = store.create();
		store.finish(finishedFirst);
		this.clock.advance(Duration.ofSeconds(1));
		store.finish(finishedSecond);
		store.create();
		assertThatExceptionOfType(LlmStreamNotFoundException.class).isThrownBy(() -> store.follow(finishedFirst, 0));
		store.follow(finishedSecond, 0).close();
		store.follow(live, 0).close();
	}

	@Test
	void storeFullOfStreamsStillWrittenRefusesANewOne() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 2, 1024, this.clock);
		store.create();
		store.create();
		assertThatExceptionOfType(LlmStreamStoreFullException.class).isThrownBy(store::create)
			.withMessageContaining("echo.llm.relay.max-streams");
	}

	@Test
	void invalidLimitsAreRejectedWithTheirValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryLlmStreamStore(Duration.ofMinutes(5), 0, 10))
			.withMessageContaining("max-streams 0");
	}

	@Test
	void followerOfAStreamWhoseWriterFellSilentForTheLeaseIsToldItIsAbandoned() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 10, 1024, this.clock);
		String id = store.create();
		store.append(id, "token", "a");
		try (LlmStreamStore.Follower follower = store.follow(id, 1)) {
			this.clock.advance(LlmStreamStore.WRITER_LEASE.minusSeconds(1));
			assertThat(follower.next(Duration.ZERO).events()).isEmpty();
			this.clock.advance(Duration.ofSeconds(1));
			assertThatExceptionOfType(LlmStreamAbandonedException.class).isThrownBy(() -> follower.next(Duration.ZERO))
				.withMessageContaining("did not finish it");
		}
	}

	@Test
	void keepAliveRenewsTheWriterLease() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 10, 1024, this.clock);
		String id = store.create();
		try (LlmStreamStore.Follower follower = store.follow(id, 0)) {
			for (int i = 0; i < 5; i++) {
				this.clock.advance(LlmStreamStore.WRITER_LEASE.minusSeconds(1));
				store.keepAlive(id);
				assertThat(follower.next(Duration.ZERO)).isEqualTo(new LlmStreamStore.Batch(List.of(), 0, false));
			}
		}
	}

	@Test
	void finishedStreamIsNeverAbandoned() {
		InMemoryLlmStreamStore store = new InMemoryLlmStreamStore(Duration.ofMinutes(5), 10, 1024, this.clock);
		String id = store.create();
		store.append(id, "done", "{}");
		store.finish(id);
		this.clock.advance(LlmStreamStore.WRITER_LEASE.multipliedBy(2));
		try (LlmStreamStore.Follower follower = store.follow(id, 1)) {
			assertThat(follower.next(Duration.ZERO).finished()).isTrue();
		}
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-11-25T10:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
