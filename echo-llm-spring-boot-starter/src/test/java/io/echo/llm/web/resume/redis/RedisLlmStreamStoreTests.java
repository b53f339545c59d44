package io.echo.llm.web.resume.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.echo.llm.web.resume.LlmStreamStore.Batch;
import io.echo.llm.web.resume.LlmStreamStore.Follower;
import io.echo.llm.web.resume.LlmStreamStore.StoredEvent;
import io.echo.llm.web.resume.LlmStreamStore;
import io.echo.llm.web.resume.LlmStreamAbandonedException;
import io.echo.llm.web.resume.StreamIds;
import io.echo.llm.web.resume.AbstractLlmStreamStoreTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisLlmStreamStore} against a real Redis server on loopback: the shared behaviour, and two stores
 * standing for two application instances.
 */
@ExtendWith(LocalRedis.Extension.class)
class RedisLlmStreamStoreTests extends AbstractLlmStreamStoreTests {

	private final List<RedisLlmStreamStore> stores = new ArrayList<>();

	private LettuceConnectionFactory connectionFactory;

	private String prefix;

	@BeforeEach
	void connect(LocalRedis redis) {
		this.connectionFactory = redis.connectionFactory();
		// A prefix per test, so tests never see each other's keys or stop messages on a shared server.
		this.prefix = "echo-test:" + StreamIds.next() + ":";
	}

	@AfterEach
	void disconnect() {
		this.stores.forEach(RedisLlmStreamStore::close);
		StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);
		redis.delete(redis.keys(this.prefix + "*"));
		this.connectionFactory.destroy();
	}

	@Override
	protected LlmStreamStore store(long maxStreamBytes) {
		return store(Duration.ofMinutes(5), maxStreamBytes);
	}

	private RedisLlmStreamStore store(Duration writerLease) {
		RedisLlmStreamStore store = new RedisLlmStreamStore(this.connectionFactory, Duration.ofMinutes(5), 1024,
				this.prefix, writerLease);
		this.stores.add(store);
		return store;
	}

	private RedisLlmStreamStore store(Duration retention, long maxStreamBytes) {
		RedisLlmStreamStore store = new RedisLlmStreamStore(this.connectionFactory, retention, maxStreamBytes,
				this.prefix);
		this.stores.add(store);
		return store;
	}

	@Test
	void streamWrittenOnOneInstanceIsFollowedOnAnother() {
		LlmStreamStore writer = store();
		LlmStreamStore reader = store();
		String id = writer.create();
		writer.append(id, "token", "{\"text\":\"Hi\"}");
		writer.finish(id);
		try (Follower follower = reader.follow(id, 0)) {
			Batch batch = follower.next(LONG_WAIT);
			assertThat(batch.events()).containsExactly(new StoredEvent(1, "token", "{\"text\":\"Hi\"}"));
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void stopRequestedOnOneInstanceRunsTheListenerOnAnother() throws InterruptedException {
		LlmStreamStore writer = store();
		LlmStreamStore other = store();
		String id = writer.create();
		CountDownLatch stopped = new CountDownLatch(1);
		try (LlmStreamStore.Registration registration = writer.onStop(id, stopped::countDown)) {
			assertThat(other.requestStop(id)).isTrue();
			assertThat(stopped.await(1, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void followerOnAnotherInstanceCountsAsPresent() {
		LlmStreamStore writer = store();
		LlmStreamStore reader = store();
		String id = writer.create();
		try (Follower follower = reader.follow(id, 0)) {
			assertThat(writer.isFollowed(id)).isTrue();
		}
		assertThat(writer.isFollowed(id)).isFalse();
	}

	@Test
	void finishedStreamExpiresAfterRetention() {
		LlmStreamStore store = store(Duration.ofSeconds(30), 1024);
		String id = store.create();
		store.append(id, "done", "{}");
		StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);
		String meta = this.prefix + "{" + id + "}";
		assertThat(redis.getExpire(meta, TimeUnit.SECONDS)).isGreaterThan(30);
		store.finish(id);
		assertThat(redis.getExpire(meta, TimeUnit.SECONDS)).isBetween(1L, 30L);
		assertThat(redis.getExpire(meta + ":events", TimeUnit.SECONDS)).isBetween(1L, 30L);
	}

	@Test
	void followerOfAStreamWhoseWriterDiedIsToldItIsAbandoned() {
		RedisLlmStreamStore writer = store(Duration.ofMillis(300));
		String id = writer.create();
		writer.append(id, "token", "a");
		// The writer's instance dies here: no append, no keep-alive, no finish; its lease key expires in Redis.
		try (Follower follower = store().follow(id, 1)) {
			assertThatExceptionOfType(LlmStreamAbandonedException.class)
				.isThrownBy(() -> follower.next(Duration.ofSeconds(1)))
				.withMessageContaining(id);
		}
	}

	@Test
	void writerThatKeepsTheStreamAliveIsNotAbandoned() throws Exception {
		RedisLlmStreamStore writer = store(Duration.ofMillis(300));
		String id = writer.create();
		ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
		try (Follower follower = store().follow(id, 0)) {
			keepAlive.scheduleWithFixedDelay(() -> writer.keepAlive(id), 50, 50, TimeUnit.MILLISECONDS);
			// Each wait outlasts the lease several times over; only the renewals keep the stream alive.
			for (int i = 0; i < 3; i++) {
				assertThat(follower.next(Duration.ofSeconds(1))).isEqualTo(new Batch(List.of(), 0, false));
			}
		}
		finally {
			keepAlive.shutdownNow();
			assertThat(keepAlive.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void writerThatKeepsAppendingKeepsItsLease() throws Exception {
		RedisLlmStreamStore writer = store(Duration.ofSeconds(1));
		String id = writer.create();
		ScheduledExecutorService appender = Executors.newSingleThreadScheduledExecutor();
		CountDownLatch appended = new CountDownLatch(60);
		try {
			appender.scheduleWithFixedDelay(() -> {
				writer.append(id, "token", "t");
				appended.countDown();
			}, 50, 50, TimeUnit.MILLISECONDS);
			// Three leases of appends and nothing else: only the appends (every quarter lease at most) renew it.
			assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(new StringRedisTemplate(this.connectionFactory).hasKey(this.prefix + "{" + id + "}:writer"))
				.isTrue();
		}
		finally {
			appender.shutdownNow();
			assertThat(appender.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void expiredStreamIsNotFound() {
		LlmStreamStore store = store(Duration.ofMinutes(5), 1024);
		String id = store.create();
		new StringRedisTemplate(this.connectionFactory).delete(this.prefix + "{" + id + "}");
		assertThat(store.requestStop(id)).isFalse();
	}

}
