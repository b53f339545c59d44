package io.echo.llm.web.resume.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.echo.llm.web.resume.LlmStreamAbandonedException;
import io.echo.llm.web.resume.LlmStreamNotFoundException;
import io.echo.llm.web.resume.LlmStreamStore;
import io.echo.llm.web.resume.StreamIds;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;

import static io.echo.llm.web.resume.redis.RedisStreamScripts.APPEND;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.CREATE;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.FINISH;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.FOLLOWERS;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.KEEP_ALIVE;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.LAST_SEQUENCE;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.STATE;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.STOP;
import static io.echo.llm.web.resume.redis.RedisStreamScripts.TOUCH;

/**
 * {@link LlmStreamStore} in Redis, shared by every application instance that points at the same Redis server.
 * <p>
 * Each stream is a Redis Stream whose entry ids are the event sequence numbers ({@code 7-0} is event 7), so a
 * follower resumes with a plain blocking {@code XREAD} from {@code <after>-0}; finishing adds one marker entry
 * {@code <last>-1} that wakes every follower. A small hash beside it holds the counters and flags. Appending, trimming
 * the oldest entries beyond {@code maxStreamBytes} and refreshing the expiry happen in one Lua script, so the writer
 * never waits for a follower. The instance that created a stream numbers its events itself and sends them in batches:
 * the events appended while one batch is on its way go together in the next, so a burst costs one round trip per
 * batch, not per event, and with Lettuce (Boot's default client) {@link #append} does not wait for Redis;
 * {@link #finish} waits until Redis has every event. Followers on this instance wait for the events appended before
 * they read, so they never start behind what the writer handed out. All keys of a stream share a hash tag
 * ({@code {id}}), so the scripts also run on Redis Cluster. Stop requests set a flag and are published on one channel that every instance listens to. The writer's
 * appends and {@linkplain #keepAlive keep-alives} renew a writer key that expires after the writer lease; a follower
 * that finds it gone on an unfinished stream knows the instance writing it died, and gets
 * {@link LlmStreamAbandonedException} instead of waiting for the keys to expire.
 * <p>
 * Keys expire {@code retention} after the stream finished; while a stream is written they expire
 * {@code max(retention, 5m)} after its last event, so a stream whose writer died does not stay forever. The
 * {@code max-streams} limit of the memory store does not apply: Redis's own memory limits do.
 * <p>
 * Thread-safe: the state of a stream is in Redis; here only the stop listeners ({@link RedisStopListeners}) and the
 * writers of the streams this instance writes ({@link RedisStreamWriter}, each guarding its own state), in concurrent
 * maps.
 */
public class RedisLlmStreamStore implements LlmStreamStore, AutoCloseable {

	/** Key prefix used unless another is given. */
	public static final String DEFAULT_PREFIX = "echo:llm:stream:";

	private static final Duration MIN_LIVE_TTL = Duration.ofMinutes(5);

	// Followers renew their presence on every read; a read waits at most maxWait, so this much slack covers a
	// follower between two reads.
	private static final Duration PRESENCE_SLACK = Duration.ofSeconds(2);

	private static final int READ_COUNT = 256;

	// How long finish, a follower on this instance, and an append beyond the byte limit wait for Redis to confirm.
	private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

	// How long a follower on another instance waits for a number the writer handed out to reach Redis: the writer
	// sends an event to its client as soon as it numbered it, possibly one round trip before Redis has it.
	private static final Duration AHEAD_GRACE = Duration.ofSeconds(1);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final String prefix;

	private final ChannelTopic stopChannel;

	private final Duration retention;

	private final Duration liveTtl;

	private final long maxStreamBytes;

	private final Duration writerLease;

	private final RedisStopListeners stopListeners;

	private final RedisStreamWriter.Sender sender;

	private final RedisStreamWriter.Limits limits;

	// The streams this instance writes, until they finish.
	private final Map<String, RedisStreamWriter> writers = new ConcurrentHashMap<>();

	/**
	 * Creates a store with the {@linkplain #DEFAULT_PREFIX default key prefix} and starts listening for stop requests.
	 * @param connectionFactory the Redis connections
	 * @param retention how long a finished stream is kept
	 * @param maxStreamBytes how many bytes of event names and data a stream keeps at most
	 */
	public RedisLlmStreamStore(RedisConnectionFactory connectionFactory, Duration retention, long maxStreamBytes) {
		this(connectionFactory, retention, maxStreamBytes, DEFAULT_PREFIX);
	}

	/**
	 * Creates a store and starts listening for stop requests.
	 * @param connectionFactory the Redis connections
	 * @param retention how long a finished stream is kept
	 * @param maxStreamBytes how many bytes of event names and data a stream keeps at most
	 * @param prefix the prefix of every key and of the stop channel
	 */
	public RedisLlmStreamStore(RedisConnectionFactory connectionFactory, Duration retention, long maxStreamBytes,
			String prefix) {
		this(connectionFactory, retention, maxStreamBytes, prefix, WRITER_LEASE);
	}

	RedisLlmStreamStore(RedisConnectionFactory connectionFactory, Duration retention, long maxStreamBytes,
			String prefix, Duration writerLease) {
		if (retention.isNegative() || maxStreamBytes < 1) {
			throw new IllegalArgumentException("Invalid stream store limits: retention " + retention
					+ ", max-stream-bytes " + maxStreamBytes + " (use a retention >= 0 and max-stream-bytes >= 1)");
		}
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.redis = new StringRedisTemplate(connectionFactory);
		this.prefix = Objects.requireNonNull(prefix, "prefix");
		this.stopChannel = new ChannelTopic(prefix + "stop");
		// PEXPIRE 0 would delete at once; a stream must at least outlive the reply that just finished.
		this.retention = retention.isZero() ? Duration.ofMillis(1) : retention;
		this.liveTtl = (retention.compareTo(MIN_LIVE_TTL) > 0) ? retention : MIN_LIVE_TTL;
		this.maxStreamBytes = maxStreamBytes;
		this.writerLease = Objects.requireNonNull(writerLease, "writerLease");
		this.stopListeners = new RedisStopListeners(connectionFactory, this.stopChannel);
		this.sender = RedisStreamWriter.Sender.of(connectionFactory, this.redis);
		this.limits = new RedisStreamWriter.Limits(maxStreamBytes, millis(this.liveTtl),
				millis(writerLease), millis(this.retention), writerLease.toNanos() / 4, CONFIRM_TIMEOUT);
	}

	@Override
	public String create() {
		String id = StreamIds.next();
		this.redis.execute(CREATE, List.of(metaKey(id), writerKey(id)), millis(this.liveTtl), millis(this.writerLease));
		this.writers.put(id, new RedisStreamWriter(id, List.of(metaKey(id), eventsKey(id), writerKey(id)), this.limits,
				this.sender));
		return id;
	}

	@Override
	public long append(String streamId, String event, String data) {
		Objects.requireNonNull(event, "event");
		Objects.requireNonNull(data, "data");
		RedisStreamWriter writer = this.writers.get(streamId);
		if (writer != null) {
			return writer.append(event, data);
		}
		// A stream this instance did not create, or one it finished: Redis numbers the event, or refuses it.
		Long sequence = this.redis.execute(APPEND, List.of(metaKey(streamId), eventsKey(streamId), writerKey(streamId)),
				event, data, Long.toString(this.maxStreamBytes), millis(this.liveTtl), millis(this.writerLease));
		if (sequence == null || sequence == -1) {
			throw new LlmStreamNotFoundException(streamId);
		}
		if (sequence == -2) {
			throw new IllegalStateException("Stream is finished; nothing can be appended to it");
		}
		return sequence;
	}

	@Override
	public void finish(String streamId) {
		RedisStreamWriter writer = this.writers.get(streamId);
		if (writer != null) {
			try {
				writer.finish(CONFIRM_TIMEOUT);
			}
			finally {
				this.writers.remove(streamId, writer);
			}
			return;
		}
		this.redis.execute(FINISH, List.of(metaKey(streamId), eventsKey(streamId)), millis(this.retention));
	}

	@Override
	public void keepAlive(String streamId) {
		this.redis.execute(KEEP_ALIVE, List.of(metaKey(streamId), writerKey(streamId)), millis(this.writerLease));
	}

	@Override
	public Follower follow(String streamId, long afterSequence) {
		awaitLocalWriter(streamId);
		Long last = this.redis.execute(LAST_SEQUENCE, List.of(metaKey(streamId)));
		if (last == null || last < 0) {
			throw new LlmStreamNotFoundException(streamId);
		}
		RedisFollower follower = new RedisFollower(streamId, afterSequence);
		try {
			if (afterSequence > last && !this.writers.containsKey(streamId)) {
				last = follower.awaitLast(afterSequence, last);
			}
			StreamIds.checkFollowFrom(afterSequence, last);
			follower.touch(Duration.ZERO);
			return follower;
		}
		catch (RuntimeException ex) {
			follower.close();
			throw ex;
		}
	}

	private void awaitLocalWriter(String streamId) {
		RedisStreamWriter writer = this.writers.get(streamId);
		if (writer != null) {
			writer.awaitStored(CONFIRM_TIMEOUT);
		}
	}

	@Override
	public boolean isFollowed(String streamId) {
		Long count = this.redis.execute(FOLLOWERS, List.of(followersKey(streamId)));
		return count != null && count > 0;
	}

	@Override
	public boolean requestStop(String streamId) {
		Long done = this.redis.execute(STOP, List.of(metaKey(streamId)), this.stopChannel.getTopic(), streamId);
		return done != null && done == 1;
	}

	@Override
	public boolean isStopRequested(String streamId) {
		return Boolean.TRUE.equals(this.redis.opsForHash().hasKey(metaKey(streamId), "stop"));
	}

	@Override
	public Registration onStop(String streamId, Runnable listener) {
		Objects.requireNonNull(listener, "listener");
		Runnable once = RedisStopListeners.once(listener);
		Registration registration = this.stopListeners.add(streamId, once);
		// Registered before the check, so a stop published in between is not lost either way.
		if (isStopRequested(streamId)) {
			once.run();
		}
		return registration;
	}

	/** Stops listening for stop requests. */
	@Override
	public void close() {
		try {
			this.stopListeners.close();
		}
		finally {
			if (this.sender instanceof AutoCloseable closeable) {
				closeQuietly(closeable);
			}
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not release the Redis store's connection", ex);
		}
	}

	private String metaKey(String streamId) {
		return this.prefix + "{" + Objects.requireNonNull(streamId, "streamId") + "}";
	}

	private String eventsKey(String streamId) {
		return metaKey(streamId) + ":events";
	}

	private String writerKey(String streamId) {
		return metaKey(streamId) + ":writer";
	}

	private String followersKey(String streamId) {
		return metaKey(streamId) + ":followers";
	}

	private static String millis(Duration duration) {
		return Long.toString(Math.max(1, duration.toMillis()));
	}

	/**
	 * Holds one connection for its whole life: a blocking XREAD takes a dedicated connection anyway. Owned by the one
	 * thread that reads it ({@link Follower} is not thread-safe): {@code after} and {@code closed} are that thread's.
	 */
	private final class RedisFollower implements Follower {

		private final String streamId;

		private final byte[] eventsKey;

		private final String token = StreamIds.next();

		private final RedisConnection connection;

		private long after;

		private boolean closed;

		RedisFollower(String streamId, long after) {
			this.streamId = streamId;
			this.eventsKey = eventsKey(streamId).getBytes(StandardCharsets.UTF_8);
			this.after = after;
			this.connection = RedisLlmStreamStore.this.connectionFactory.getConnection();
		}

		void touch(Duration maxWait) {
			RedisLlmStreamStore.this.redis.execute(TOUCH, List.of(followersKey(this.streamId)), this.token,
					millis(maxWait.plus(PRESENCE_SLACK)), millis(RedisLlmStreamStore.this.liveTtl));
		}

		@Override
		public Batch next(Duration maxWait) {
			if (this.closed) {
				throw new IllegalStateException("Follower of stream '" + this.streamId + "' is closed");
			}
			awaitLocalWriter(this.streamId);
			touch(maxWait);
			StreamReadOptions options = StreamReadOptions.empty().count(READ_COUNT);
			// BLOCK 0 would wait forever, so a zero wait is a plain read.
			if (maxWait.toMillis() >= 1) {
				options = options.block(maxWait);
			}
			List<ByteRecord> records = this.connection.streamCommands()
				.xRead(options, StreamOffset.create(this.eventsKey, ReadOffset.from(this.after + "-0")));
			if (records == null || records.isEmpty()) {
				Long state = RedisLlmStreamStore.this.redis.execute(STATE,
						List.of(metaKey(this.streamId), writerKey(this.streamId)));
				if (state == null || state == 0) {
					throw new LlmStreamNotFoundException(this.streamId);
				}
				if (state == 2) {
					throw new LlmStreamAbandonedException(this.streamId, RedisLlmStreamStore.this.writerLease);
				}
				return new Batch(List.of(), 0, false);
			}
			Batch batch = RedisRecords.toBatch(records, this.after);
			if (!batch.events().isEmpty()) {
				this.after = batch.events().get(batch.events().size() - 1).sequence();
			}
			return batch;
		}

		/**
		 * Waits up to {@link #AHEAD_GRACE} for the stream's last number to reach {@code after}, which its writer on
		 * another instance may have handed out a round trip before Redis had it; returns the last number seen.
		 */
		long awaitLast(long after, long last) {
			long deadline = System.nanoTime() + AHEAD_GRACE.toNanos();
			long seen = last;
			while (seen < after && System.nanoTime() < deadline) {
				List<ByteRecord> records = this.connection.streamCommands()
					.xRead(StreamReadOptions.empty().count(READ_COUNT).block(Duration.ofMillis(100)),
							StreamOffset.create(this.eventsKey, ReadOffset.from(seen + "-0")));
				if (records == null || records.isEmpty()) {
					continue;
				}
				for (ByteRecord record : records) {
					if (record.getId().getSequence() != 0) {
						return seen;
					}
					seen = record.getId().getTimestamp();
				}
			}
			return seen;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				try {
					RedisLlmStreamStore.this.redis.opsForZSet().remove(followersKey(this.streamId), this.token);
				}
				finally {
					this.connection.close();
				}
			}
		}

	}

}
