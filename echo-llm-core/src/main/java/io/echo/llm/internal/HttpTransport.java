package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;

/**
 * How the engine ends the exchanges of one HTTP client. Clients differ in what wakes a reader blocked in a body read
 * from another thread (Apache: cancelling the request, which closes the socket; the JDK client: closing the body
 * stream) and in what releasing a body costs (closing Apache's reads the rest of the body first). So aborting is the
 * adapter's job, not the engine's: one adapter per client ({@link ApacheTransport}, {@link JdkTransport}), chosen
 * once where {@code ChatTransport} is built. For a {@code RestClient.Builder} the caller gave, whose client the
 * engine cannot see, {@link GivenTransport} picks the adapter from the first thing the client hands over.
 * <p>
 * The requests themselves go through Spring's {@code RestClient}, so that a caller's builder (interceptors, default
 * headers, its own request factory) applies as it does everywhere else.
 */
interface HttpTransport {

	/** A handle on the connection of a new exchange. */
	Connection connection();

	/**
	 * The connection of one exchange. Threads: the sending thread {@linkplain #register registers} and
	 * {@linkplain #attach attaches}, the reading thread {@linkplain #finish finishes} and {@linkplain #close closes},
	 * any thread (the watchdog, a canceller, the interrupt watch) {@linkplain #abort aborts}; so implementations keep
	 * their state in volatile fields.
	 */
	interface Connection {

		/**
		 * The client's hook handed over a way to drop the request's connection at once, from any thread (Apache's
		 * exec hook, see {@link ApacheTransport#register}). Ignored by clients that have none.
		 */
		default void register(Runnable abortHandle) {
		}

		/**
		 * The sending thread starts waiting for the response headers: {@link #abort()} must wake it until
		 * {@link #headersDone()}.
		 */
		default void awaitingHeaders() {
		}

		/**
		 * The wait for the headers is over (they arrived, or sending failed). Leaves no interrupt of the adapter's on
		 * the sending thread; idempotent.
		 */
		default void headersDone() {
		}

		/** The response headers arrived; this is the body, which the reading thread owns from now on. */
		void attach(InputStream body);

		/** The body, or {@code null} before the headers. */
		@Nullable InputStream body();

		/**
		 * Drops the connection from any thread without reading the rest of the body, so that a reader blocked in it
		 * returns with an exception. Does not block.
		 */
		void abort();

		/**
		 * The stream ended normally with its body perhaps not read to the end: releases the connection, reusing it if
		 * that costs at most a bounded wait. Called by the reading thread, before {@link #close()}.
		 */
		void finish(TimeoutWatchdog watchdog);

		/** Releases the connection, dropped unless its body was read to the end. Reading thread; idempotent. */
		void close();

	}

	/**
	 * What every connection keeps: the body once the headers arrived, closed on {@link #close()}. Threads: the sending
	 * thread attaches it; an aborting thread reads it, hence volatile.
	 */
	abstract class BodyConnection implements Connection {

		private volatile @Nullable InputStream body;

		@Override
		public void attach(InputStream body) {
			this.body = body;
		}

		@Override
		public @Nullable InputStream body() {
			return this.body;
		}

		/** Nothing to drain for by default: {@link #close()} releases the connection as after an early end. */
		@Override
		public void finish(TimeoutWatchdog watchdog) {
		}

		@Override
		public void close() {
			closeQuietly(this.body);
		}

	}

	/** Closes a body stream, ignoring a failure: closing is all we wanted, and a failure means it is gone already. */
	static void closeQuietly(@Nullable InputStream body) {
		if (body != null) {
			try {
				body.close();
			}
			catch (IOException ex) {
				// See above.
			}
		}
	}

}
