package io.echo.llm.web.resume.redis;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import io.echo.llm.web.resume.LlmStreamStore.Batch;
import io.echo.llm.web.resume.LlmStreamStore.Follower;
import io.echo.llm.web.resume.LlmStreamStore.StoredEvent;
import io.echo.llm.web.resume.LlmStreamNotFoundException;
import io.echo.llm.web.resume.StreamIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link RedisLlmStreamStore} under a burst of appends to one stream, as when a fast provider sends many tokens at
 * once: what Redis is asked (round trips), and what readers and the byte limit see, against a real Redis server.
 */
@ExtendWith(LocalRedis.Extension.class)
class RedisLlmStreamStoreBurstTests {

	private static final int BURST = 2000;

	private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	private final List<RedisLlmStreamStore> stores = new ArrayList<>();

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	private String prefix;

	private LocalRedis localRedis;

	@BeforeEach
	void connect(LocalRedis localRedis) {
		this.localRedis = localRedis;
		this.connectionFactory = localRedis.connectionFactory();
		this.redis = new StringRedisTemplate(this.connectionFactory);
		this.prefix = "echo-test:" + StreamIds.next() + ":";
	}

	@AfterEach
	void disconnect() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
		this.stores.forEach(RedisLlmStreamStore::close);
		this.redis.delete(this.redis.keys(this.prefix + "*"));
		this.connectionFactory.destroy();
	}

	private RedisLlmStreamStore store(long maxStreamBytes) {
		RedisLlmStreamStore store = new RedisLlmStreamStore(this.connectionFactory, Duration.ofMinutes(5),
				maxStreamBytes, this.prefix);
		this.stores.add(store);
		return store;
	}

	@Test
	void burstOfAppendsTakesOneRoundTripPerBatchNotPerEvent() {
		RedisLlmStreamStore store = store(1024 * 1024);
		String id = store.create();
		long before = scriptCalls();
		for (int i = 1; i <= BURST; i++) {
			store.append(id, "token", "{\"text\":\"t" + i + "\"}");
		}
		store.finish(id);
		long calls = scriptCalls() - before;
		// One call per event before batching: 2,001 here. Batches hold what was appended during the one in flight.
		assertThat(calls).as("script calls for %d appends and the end", BURST).isBetween(1L, BURST / 4L);
	}

	@Test
	void followerOnAnotherInstanceGetsTheWholeBurstInOrderOnce() throws Exception {
		RedisLlmStreamStore writer = store(1024 * 1024);
		RedisLlmStreamStore reader = store(1024 * 1024);
		String id = writer.create();
		try (Follower follower = reader.follow(id, 0)) {
			Future<List<StoredEvent>> read = this.executor.submit(() -> readEvents(follower, BURST));
			List<Long> sequences = new ArrayList<>();
			for (int i = 1; i <= BURST; i++) {
				sequences.add(writer.append(id, "token", "t" + i));
			}
			assertThat(sequences).containsExactlyElementsOf(LongStream.rangeClosed(1, BURST).boxed().toList());
			// Not finished yet: the last event reaches Redis without waiting for the end or for a timer.
			List<StoredEvent> events = read.get(30, TimeUnit.SECONDS);
			assertThat(events).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, BURST).boxed().toList());
			assertThat(events).extracting(StoredEvent::data)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, BURST).mapToObj((i) -> "t" + i).toList());
			writer.finish(id);
			Batch end = follower.next(Duration.ofSeconds(10));
			assertThat(end.events()).isEmpty();
			assertThat(end.finished()).isTrue();
		}
	}

	@Test
	void resumeFromTheMiddleOfABurstOnAnotherInstanceGetsTheRest() {
		RedisLlmStreamStore writer = store(1024 * 1024);
		RedisLlmStreamStore reader = store(1024 * 1024);
		String id = writer.create();
		long handedOut = 0;
		for (int i = 1; i <= BURST; i++) {
			handedOut = writer.append(id, "token", "t" + i);
		}
		// The client saw the last id the writer handed out, maybe before Redis had it, and resumes elsewhere at once.
		try (Follower follower = reader.follow(id, handedOut - 1)) {
			assertThat(readEvents(follower, 1)).containsExactly(new StoredEvent(BURST, "token", "t" + BURST));
		}
		writer.finish(id);
	}

	@Test
	void byteLimitKeepsTheNewestEventsOfABurstAndFollowersAreToldWhatTheyMissed() {
		// Each event is 5 + 5 bytes: the stream keeps the last ten.
		RedisLlmStreamStore store = store(100);
		String id = store.create();
		for (int i = 1; i <= BURST; i++) {
			store.append(id, "token", String.format("%05d", i));
		}
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(Duration.ofSeconds(10));
			assertThat(batch.missed()).isEqualTo(BURST - 10);
			assertThat(batch.events()).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(BURST - 9, BURST).boxed().toList());
			assertThat(batch.finished()).isTrue();
		}
		assertThat(this.redis.opsForHash().get(this.prefix + "{" + id + "}", "bytes")).isEqualTo("100");
		assertThatIllegalStateException().isThrownBy(() -> store.append(id, "token", "late"))
			.withMessageContaining("finished");
	}

	@Test
	void writerFailsWhenItsStreamIsGoneInsteadOfNumberingPastIt() {
		RedisLlmStreamStore store = store(1024 * 1024);
		String id = store.create();
		store.append(id, "token", "a");
		store.finish(id);
		String live = store.create();
		this.redis.delete(this.prefix + "{" + live + "}");
		store.append(live, "token", "lost");
		assertThatExceptionOfType(LlmStreamNotFoundException.class).isThrownBy(() -> store.finish(live));
		assertThatExceptionOfType(LlmStreamNotFoundException.class).isThrownBy(() -> store.append(live, "token", "b"));
	}

	@Test
	void whileRedisStallsAtMostTheByteLimitWaitsInMemoryAndNothingIsLost() throws Exception {
		// Each event is 5 + 5 bytes: ten fit in the limit.
		RedisLlmStreamStore store = store(100);
		String id = store.create();
		AtomicInteger appended = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		// Redis holds every client's writing commands (scripts included) until unpaused; reads go on.
		// On a connection of its own: the store's shared connection queues everything behind the held script.
		LettuceConnectionFactory admin = this.localRedis.connectionFactory();
		client(admin, "PAUSE", "20000", "WRITE");
		Future<?> writing;
		try {
			writing = this.executor.submit(() -> {
				started.countDown();
				for (int i = 1; i <= 30; i++) {
					store.append(id, "token", String.format("%05d", i));
					appended.incrementAndGet();
				}
				return null;
			});
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			// One event in the batch Redis holds, ten waiting here; the eleventh append waits for Redis.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (appended.get() < 11 && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(appended.get()).isEqualTo(11);
			assertThat(writing.isDone()).isFalse();
		}
		finally {
			client(admin, "UNPAUSE");
			admin.destroy();
		}
		writing.get(30, TimeUnit.SECONDS);
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(Duration.ofSeconds(10));
			assertThat(batch.missed()).isEqualTo(20);
			assertThat(batch.events()).extracting(StoredEvent::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(21, 30).boxed().toList());
			assertThat(batch.finished()).isTrue();
		}
	}

	@Test
	void appendsGoOnWhenRedisLostItsScripts() {
		RedisLlmStreamStore store = store(1024 * 1024);
		String id = store.create();
		store.append(id, "token", "a");
		// As after a restart of Redis: the script's digest is unknown until the script is sent again.
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});
		store.append(id, "token", "b");
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			assertThat(follower.next(Duration.ofSeconds(10)).events()).extracting(StoredEvent::data)
				.containsExactly("a", "b");
		}
	}

	@Test
	void withoutLettuceEachBatchBlocksItsSenderAndStillKeepsOrder() {
		// Any factory but Lettuce's (Jedis, say) takes the blocking path.
		RedisConnectionFactory other = (RedisConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { RedisConnectionFactory.class }, (proxy, method, args) -> {
					try {
						return method.invoke(this.connectionFactory, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		RedisLlmStreamStore store = new RedisLlmStreamStore(other, Duration.ofMinutes(5), 1024 * 1024, this.prefix);
		this.stores.add(store);
		String id = store.create();
		for (int i = 1; i <= 100; i++) {
			assertThat(store.append(id, "token", "t" + i)).isEqualTo(i);
		}
		store.finish(id);
		try (Follower follower = store.follow(id, 0)) {
			Batch batch = follower.next(Duration.ofSeconds(10));
			assertThat(batch.events()).extracting(StoredEvent::data)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 100).mapToObj((i) -> "t" + i).toList());
			assertThat(batch.finished()).isTrue();
		}
	}

	private static List<StoredEvent> readEvents(Follower follower, int count) {
		List<StoredEvent> events = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (events.size() < count && System.nanoTime() < deadline) {
			Batch batch = follower.next(Duration.ofSeconds(1));
			assertThat(batch.missed()).isZero();
			events.addAll(batch.events());
		}
		return events;
	}

	private static void client(LettuceConnectionFactory factory, String... args) {
		byte[][] bytes = new byte[args.length][];
		for (int i = 0; i < args.length; i++) {
			bytes[i] = args[i].getBytes(StandardCharsets.US_ASCII);
		}
		new StringRedisTemplate(factory).execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				bytes));
	}

	private long scriptCalls() {
		Properties stats = this.redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.info("commandstats"));
		return calls(stats, "cmdstat_evalsha") + calls(stats, "cmdstat_eval");
	}

	private static long calls(Properties stats, String command) {
		String value = stats.getProperty(command);
		if (value == null) {
			return 0;
		}
		Matcher matcher = CALLS.matcher(value);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
