package io.echo.llm.web.resume;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a resumable relay keeps the events of a reply so that a client that lost its connection, or another instance,
 * can replay them and follow the rest.
 * <p>
 * One writer per stream: the instance that {@linkplain #create() created} it {@linkplain #append appends} events, each
 * numbered from 1 with no gap, then {@linkplain #finish finishes} it. Any number of readers on any instance
 * {@linkplain #follow follow} it from a sequence number. A finished stream is kept for a retention period, then it is
 * gone as if it never existed.
 * <pre>{@code
 * String id = store.create();
 * long seq = store.append(id, "token", "{\"text\":\"Hi\"}");   // 1
 * store.finish(id);
 *
 * try (LlmStreamStore.Follower follower = store.follow(id, 0)) {
 *     LlmStreamStore.Batch batch = follower.next(Duration.ofSeconds(1));
 *     // batch.events() = [1 token {"text":"Hi"}], batch.finished() = true
 * }
 * }</pre>
 * The writer shows it is alive by appending, or with {@link #keepAlive} while it has nothing to append: a follower
 * of a stream whose writer did neither for the store's writer lease ({@link #WRITER_LEASE} unless the store says
 * otherwise) gets {@link LlmStreamAbandonedException} instead of waiting for an event that will never come.
 * <p>
 * Appending never waits for readers: a reader that falls so far behind that its next events were evicted to keep the
 * stream within its size limit is told how many it missed ({@link Batch#missed()}) instead of seeing a silent gap.
 * <p>
 * Implementations are thread-safe.
 *
 * @see InMemoryLlmStreamStore
 * @see io.echo.llm.web.resume.redis.RedisLlmStreamStore
 */
public interface LlmStreamStore {

	/**
	 * How long the stores of this package wait for a sign of a stream's writer before its followers give up: long
	 * enough for a writer that renews every second or two to miss a few renewals.
	 */
	Duration WRITER_LEASE = Duration.ofSeconds(10);

	/**
	 * Creates an empty stream.
	 * @return its id: unguessable, URL-safe and free of {@code ':'}
	 * @throws LlmStreamStoreFullException when no more streams fit
	 */
	String create();

	/**
	 * Appends one event to a stream that is not finished.
	 * @param streamId the stream
	 * @param event the event name, such as {@code token}
	 * @param data the event's data, JSON in practice
	 * @return the event's sequence number: 1 for the first event, then one more for each
	 * @throws LlmStreamNotFoundException when the stream is unknown or expired
	 */
	long append(String streamId, String event, String data);

	/**
	 * Marks the stream finished: followers get the events already appended, then {@link Batch#finished()}. The stream
	 * is kept for the retention period from now. Finishing twice, or a stream that is gone, does nothing.
	 */
	void finish(String streamId);

	/**
	 * Tells followers that the writer of the stream is alive though it has nothing to append: the relay calls it
	 * every few seconds while its upstream is quiet. Does nothing for a stream that is finished or gone. A store that
	 * never gives up on a silent writer needs nothing here.
	 */
	default void keepAlive(String streamId) {
	}

	/**
	 * Starts reading a stream after the given sequence number (0 for the whole stream). The follower counts as
	 * present for {@link #isFollowed} until it is closed.
	 * @throws LlmStreamNotFoundException when the stream is unknown or expired
	 * @throws IllegalArgumentException when the sequence is negative or past the stream's last event: no event with
	 * that number was ever sent, and waiting for one would skip the events up to it
	 */
	Follower follow(String streamId, long afterSequence);

	/**
	 * Returns whether some follower, on any instance, is reading the stream now.
	 */
	boolean isFollowed(String streamId);

	/**
	 * Asks the writer of the stream, on whichever instance it runs, to stop. Listeners registered with
	 * {@link #onStop} run soon after (well under a second); the request also stays visible through
	 * {@link #isStopRequested}.
	 * @return {@code false} when the stream is unknown or expired
	 */
	boolean requestStop(String streamId);

	/** Returns whether a stop was requested for the stream. */
	boolean isStopRequested(String streamId);

	/**
	 * Runs the listener once when a stop is requested for the stream from any instance, at once if it was already
	 * requested. The listener runs on a store thread and must not block.
	 * @return a registration to close once the stream is done
	 */
	Registration onStop(String streamId, Runnable listener);

	/**
	 * Reads one stream in order. Not thread-safe: one follower per reading thread.
	 */
	interface Follower extends AutoCloseable {

		/**
		 * Returns the next events, waiting up to {@code maxWait} for one when none is there yet. An empty batch that is
		 * not finished means the wait ran out.
		 * @throws LlmStreamNotFoundException when the stream expired while following
		 * @throws LlmStreamAbandonedException when the stream is not finished and its writer gave no sign of life for
		 * the writer lease
		 */
		Batch next(Duration maxWait);

		/** Stops following and releases the follower's resources. */
		@Override
		void close();

	}

	/**
	 * Events read by a follower.
	 * @param events the events, in sequence order with no gap
	 * @param missed how many events before the first of these were evicted before this follower could read them
	 * @param finished whether the stream is finished and these are its last events
	 */
	record Batch(List<StoredEvent> events, long missed, boolean finished) {

		public Batch {
			events = List.copyOf(events);
		}

	}

	/**
	 * One stored event.
	 * @param sequence its number in the stream, from 1
	 * @param event its name
	 * @param data its data
	 */
	record StoredEvent(long sequence, String event, String data) {

		public StoredEvent {
			Objects.requireNonNull(event, "event");
			Objects.requireNonNull(data, "data");
		}

	}

	/** A registration that ends when closed. */
	interface Registration extends AutoCloseable {

		/** Ends the registration. Closing twice does nothing. */
		@Override
		void close();

	}

}
