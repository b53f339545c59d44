package io.echo.llm.web.resume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * {@link LlmStreamStore} in this JVM's memory, for one application instance.
 * <p>
 * Bounded three ways: at most {@code maxStreams} streams, at most {@code maxStreamBytes} of event names and data per
 * stream (the oldest events of a stream are dropped beyond that, and a follower that had not read them is told),
 * and finished streams are dropped after {@code retention}. When a new stream needs a slot, the stream that finished
 * first goes first; streams still being written are never dropped. Followers wait on a condition, so they wake as soon
 * as an event arrives and cost nothing while they wait. A follower of a stream whose writer gave no sign of life for
 * {@link #WRITER_LEASE} gets {@link LlmStreamAbandonedException}.
 */
public class InMemoryLlmStreamStore implements LlmStreamStore {

	private final Map<String, Entry> streams = new ConcurrentHashMap<>();

	private final ReentrantLock slots = new ReentrantLock();

	private final Duration retention;

	private final int maxStreams;

	private final long maxStreamBytes;

	private final Clock clock;

	private final Duration writerLease;

	/**
	 * Creates a store with the given limits.
	 * @param retention how long a finished stream is kept
	 * @param maxStreams how many streams are kept at most
	 * @param maxStreamBytes how many bytes of event names and data a stream keeps at most
	 */
	public InMemoryLlmStreamStore(Duration retention, int maxStreams, long maxStreamBytes) {
		this(retention, maxStreams, maxStreamBytes, Clock.systemUTC());
	}

	InMemoryLlmStreamStore(Duration retention, int maxStreams, long maxStreamBytes, Clock clock) {
		this(retention, maxStreams, maxStreamBytes, clock, WRITER_LEASE);
	}

	InMemoryLlmStreamStore(Duration retention, int maxStreams, long maxStreamBytes, Clock clock, Duration writerLease) {
		if (retention.isNegative() || maxStreams < 1 || maxStreamBytes < 1) {
			throw new IllegalArgumentException("Invalid stream store limits: retention " + retention + ", max-streams "
					+ maxStreams + ", max-stream-bytes " + maxStreamBytes + " (use a retention >= 0 and limits >= 1)");
		}
		this.retention = retention;
		this.maxStreams = maxStreams;
		this.maxStreamBytes = maxStreamBytes;
		this.clock = clock;
		this.writerLease = writerLease;
	}

	@Override
	public String create() {
		this.slots.lock();
		try {
			dropExpired();
			if (this.streams.size() >= this.maxStreams) {
				dropOldestFinished();
			}
			String id = StreamIds.next();
			this.streams.put(id, new Entry(this.clock.instant()));
			return id;
		}
		finally {
			this.slots.unlock();
		}
	}

	private void dropExpired() {
		Instant now = this.clock.instant();
		this.streams.values().removeIf((entry) -> entry.isExpired(now, this.retention));
	}

	private void dropOldestFinished() {
		Map.Entry<String, Entry> oldest = this.streams.entrySet()
			.stream()
			.filter((candidate) -> candidate.getValue().finishedAt() != null)
			.min(Comparator.comparing((candidate) -> candidate.getValue().finishedAt()))
			.orElseThrow(() -> new LlmStreamStoreFullException("All " + this.maxStreams
					+ " stream slots hold replies still being written; raise echo.llm.relay.max-streams"));
		this.streams.remove(oldest.getKey());
	}

	@Override
	public long append(String streamId, String event, String data) {
		Objects.requireNonNull(event, "event");
		Objects.requireNonNull(data, "data");
		return find(streamId).append(event, data, this.maxStreamBytes, this.clock.instant());
	}

	@Override
	public void keepAlive(String streamId) {
		Entry entry = live(streamId);
		if (entry != null) {
			entry.keepAlive(this.clock.instant());
		}
	}

	@Override
	public void finish(String streamId) {
		Entry entry = this.streams.get(streamId);
		if (entry != null) {
			entry.finish(this.clock.instant());
		}
	}

	@Override
	public Follower follow(String streamId, long afterSequence) {
		Entry entry = find(streamId);
		StreamIds.checkFollowFrom(afterSequence, entry.lastSequence());
		entry.attach();
		return new MemoryFollower(streamId, entry, afterSequence);
	}

	@Override
	public boolean isFollowed(String streamId) {
		Entry entry = this.streams.get(streamId);
		return entry != null && entry.followers() > 0;
	}

	@Override
	public boolean requestStop(String streamId) {
		Entry entry = live(streamId);
		if (entry == null) {
			return false;
		}
		entry.requestStop().forEach(Runnable::run);
		return true;
	}

	@Override
	public boolean isStopRequested(String streamId) {
		Entry entry = this.streams.get(streamId);
		return entry != null && entry.stopRequested();
	}

	@Override
	public Registration onStop(String streamId, Runnable listener) {
		Objects.requireNonNull(listener, "listener");
		Entry entry = find(streamId);
		if (entry.addStopListener(listener)) {
			listener.run();
			return () -> {
			};
		}
		return () -> entry.removeStopListener(listener);
	}

	private Entry find(String streamId) {
		Entry entry = live(streamId);
		if (entry == null) {
			throw new LlmStreamNotFoundException(streamId);
		}
		return entry;
	}

	private @Nullable Entry live(String streamId) {
		Objects.requireNonNull(streamId, "streamId");
		Entry entry = this.streams.get(streamId);
		if (entry != null && entry.isExpired(this.clock.instant(), this.retention)) {
			this.streams.remove(streamId, entry);
			return null;
		}
		return entry;
	}

	// Owned by the one thread that reads it (Follower is not thread-safe): after and closed are that thread's.
	private final class MemoryFollower implements Follower {

		private final String streamId;

		private final Entry entry;

		private long after;

		private boolean closed;

		MemoryFollower(String streamId, Entry entry, long after) {
			this.streamId = streamId;
			this.entry = entry;
			this.after = after;
		}

		@Override
		public Batch next(Duration maxWait) {
			if (this.closed) {
				throw new IllegalStateException("Follower of stream '" + this.streamId + "' is closed");
			}
			if (live(this.streamId) != this.entry) {
				throw new LlmStreamNotFoundException(this.streamId);
			}
			Batch batch = this.entry.read(this.after, maxWait);
			if (batch.events().isEmpty() && !batch.finished()
					&& this.entry.silentSince(InMemoryLlmStreamStore.this.clock.instant(), InMemoryLlmStreamStore.this.writerLease)) {
				throw new LlmStreamAbandonedException(this.streamId, InMemoryLlmStreamStore.this.writerLease);
			}
			if (!batch.events().isEmpty()) {
				this.after = batch.events().get(batch.events().size() - 1).sequence();
			}
			return batch;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				this.entry.detach();
			}
		}

	}

	/** One stream: its events and state; every mutable field is guarded by {@code lock}, which wakes followers. */
	private static final class Entry {

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition changed = this.lock.newCondition();

		private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();

		private final List<Runnable> stopListeners = new ArrayList<>();

		private long lastSequence;

		private long bytes;

		private @Nullable Instant finishedAt;

		private boolean stopRequested;

		private int followers;

		// When the writer last appended or kept the stream alive.
		private Instant lastWrite;

		Entry(Instant created) {
			this.lastWrite = created;
		}

		long append(String event, String data, long maxBytes, Instant now) {
			return locked(() -> {
				if (this.finishedAt != null) {
					throw new IllegalStateException("Stream is finished; nothing can be appended to it");
				}
				StoredEvent stored = new StoredEvent(++this.lastSequence, event, data);
				this.lastWrite = now;
				this.events.addLast(stored);
				this.bytes += size(stored);
				// Keep the newest event whatever its size, so a follower always sees the end of the reply.
				while (this.bytes > maxBytes && this.events.size() > 1) {
					this.bytes -= size(this.events.removeFirst());
				}
				this.changed.signalAll();
				return stored.sequence();
			});
		}

		void finish(Instant now) {
			locked(() -> {
				if (this.finishedAt == null) {
					this.finishedAt = now;
					this.changed.signalAll();
				}
			});
		}

		Batch read(long after, Duration maxWait) {
			this.lock.lock();
			try {
				long nanos = maxWait.toNanos();
				while (this.lastSequence <= after && this.finishedAt == null && nanos > 0) {
					nanos = this.changed.awaitNanos(nanos);
				}
				List<StoredEvent> batch = new ArrayList<>();
				for (StoredEvent event : this.events) {
					if (event.sequence() > after) {
						batch.add(event);
					}
				}
				long firstAvailable = batch.isEmpty() ? this.lastSequence + 1 : batch.get(0).sequence();
				return new Batch(batch, Math.max(0, firstAvailable - after - 1), this.finishedAt != null);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Batch(List.of(), 0, false);
			}
			finally {
				this.lock.unlock();
			}
		}

		void keepAlive(Instant now) {
			locked(() -> {
				this.lastWrite = now;
			});
		}

		long lastSequence() {
			return locked(() -> this.lastSequence);
		}

		/** Returns whether the stream is not finished and its writer has been silent for the lease. */
		boolean silentSince(Instant now, Duration lease) {
			return locked(() -> this.finishedAt == null && !now.isBefore(this.lastWrite.plus(lease)));
		}

		boolean isExpired(Instant now, Duration retention) {
			return locked(() -> this.finishedAt != null && !now.isBefore(this.finishedAt.plus(retention)));
		}

		@Nullable Instant finishedAt() {
			return locked(() -> this.finishedAt);
		}

		List<Runnable> requestStop() {
			return locked(() -> {
				if (this.stopRequested) {
					return List.of();
				}
				this.stopRequested = true;
				List<Runnable> listeners = List.copyOf(this.stopListeners);
				this.stopListeners.clear();
				return listeners;
			});
		}

		boolean stopRequested() {
			return locked(() -> this.stopRequested);
		}

		/** Returns {@code true} when the stop was already requested, so the caller runs the listener itself. */
		boolean addStopListener(Runnable listener) {
			return locked(() -> {
				if (!this.stopRequested) {
					this.stopListeners.add(listener);
				}
				return this.stopRequested;
			});
		}

		void removeStopListener(Runnable listener) {
			locked(() -> this.stopListeners.remove(listener));
		}

		void attach() {
			locked(() -> this.followers++);
		}

		void detach() {
			locked(() -> this.followers--);
		}

		int followers() {
			return locked(() -> this.followers);
		}

		private <T> T locked(Supplier<T> action) {
			this.lock.lock();
			try {
				return action.get();
			}
			finally {
				this.lock.unlock();
			}
		}

		private void locked(Runnable action) {
			locked(() -> {
				action.run();
				return null;
			});
		}

		private static long size(StoredEvent event) {
			return StreamIds.utf8Length(event.event()) + StreamIds.utf8Length(event.data());
		}

	}

}
