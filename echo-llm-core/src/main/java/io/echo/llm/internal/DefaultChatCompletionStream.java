package io.echo.llm.internal;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.echo.llm.ChatCompletionStream;
import io.echo.llm.LlmCallListener.Outcome;
import io.echo.llm.LlmCancelledException;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTimeoutException.Kind;
import io.echo.llm.LlmTruncatedStreamException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The caller's side of one streamed call: takes events from {@link BodyEvents} (which reads the body only when
 * asked, so nothing is buffered ahead of the caller), turns each into a chunk through {@link ChunkDecoder}, and
 * decides how the stream ends. One thread iterates; {@link #cancel()} may come from any other. A first-chunk timeout
 * before anything was handed out is retried in place through {@link Reopener}; any later failure ends the stream,
 * after the chunks that arrived before it. For a relay it keeps the provider's data of the chunk last handed out
 * ({@link RawChunkData}).
 * <p>
 * Threads: the <em>iterating thread</em> (the caller's, which calls {@code hasNext}, {@code next}, {@code rawData} and
 * normally {@code close}) owns every field, {@link #body}, {@link #decoder} and {@link #choiceEnds}, except
 * {@link #opened} and {@link #cancelled}: {@link #cancel()} and {@link #close()} read those from any thread (and
 * cancel sets {@code cancelled}), so they are volatile; the iterating thread alone replaces {@code opened}, on reopen.
 * Everything a canceller does beyond that flag goes through thread-safe objects: the {@link Exchange} (aborting
 * closes the socket, so the iterating thread's blocked read fails), the {@link Reopener} and the {@link CallTracker}.
 */
final class DefaultChatCompletionStream implements ChatCompletionStream, Iterator<ChatCompletionChunk>, RawChunkData {

	private static final Logger logger = LoggerFactory.getLogger(DefaultChatCompletionStream.class);

	private final Reopener reopener;

	private final CallTracker tracker;

	private final ChatTransport transport;

	private final BodyEvents body;

	/** Decodes the events; kept across the events of one read (iterating thread only). */
	private final ChunkDecoder decoder = new ChunkDecoder();

	/** Indexes of the choices that had a chunk, and of those that finished: all finished ends the stream. */
	private final ChoiceEnds choiceEnds = new ChoiceEnds();

	/** The current attempt; replaced by the iterating thread on reopen, read by cancel() to abort it. */
	private volatile ChatTransport.Opened opened;

	/** Set by cancel() from any thread; the iterating thread then ends quietly. */
	private volatile boolean cancelled;

	/** {@link #iterator()} was called; a stream is iterated once. */
	private boolean iterated;

	/** The stream ended (normally, failed or cancelled): {@link #hasNext()} answers false from now on. */
	private boolean ended;

	/** A decoded chunk that {@link #hasNext()} found and {@link #next()} has not yet handed out. */
	private @Nullable ChatCompletionChunk next;

	/** The provider's data for {@link #next} when that is the data as decoded, else {@code null}. */
	private @Nullable String nextData;

	/** The provider's data for the chunk {@link #next()} handed out last, for {@link #rawData()}. */
	private @Nullable String handedOutData;

	/** Provider error to throw once the chunk it came with has been handed out. */
	private @Nullable LlmException pendingError;

	DefaultChatCompletionStream(ChatTransport.Opened opened, Reopener reopener, CallTracker tracker,
			ChatTransport transport, int maxEventBytes) {
		this.opened = opened;
		this.reopener = reopener;
		this.tracker = tracker;
		this.transport = transport;
		this.body = new BodyEvents(maxEventBytes);
	}

	@Override
	public Iterator<ChatCompletionChunk> iterator() {
		if (this.iterated) {
			throw new IllegalStateException("A ChatCompletionStream can be iterated only once");
		}
		this.iterated = true;
		return this;
	}

	@Override
	public Stream<ChatCompletionChunk> stream() {
		Spliterator<ChatCompletionChunk> spliterator = Spliterators.spliteratorUnknownSize(iterator(),
				Spliterator.ORDERED | Spliterator.NONNULL);
		return StreamSupport.stream(spliterator, false).onClose(this::close);
	}

	@Override
	public boolean hasNext() {
		while (!this.ended) {
			if (this.cancelled) {
				// Even a chunk already decoded is dropped: after cancel the iteration ends quietly.
				this.next = null;
				endCancelled();
				return false;
			}
			if (this.next != null) {
				return true;
			}
			LlmException error = this.pendingError;
			if (error != null) {
				fail(error);
			}
			SseEvent event = this.body.poll();
			LlmException bodyFailure = this.body.failure();
			if (event != null) {
				if (handle(event)) {
					return true;
				}
			}
			else if (bodyFailure != null) {
				this.decoder.release();
				fail(bodyFailure);
			}
			else if (this.body.ended()) {
				this.decoder.release();
				endOfBody();
			}
			else {
				// The decoder's parser is not kept while the stream waits: a stream waiting for its next token
				// holds no parser buffers.
				this.decoder.release();
				readMore();
			}
		}
		return false;
	}

	@Override
	public ChatCompletionChunk next() {
		if (!hasNext()) {
			throw new NoSuchElementException("The stream has ended");
		}
		ChatCompletionChunk chunk = this.next;
		this.next = null;
		this.handedOutData = this.nextData;
		this.tracker.chunk(chunk);
		return chunk;
	}

	@Override
	public @Nullable String rawData() {
		return this.handedOutData;
	}

	/** Returns whether the event produced a chunk to hand out. */
	private boolean handle(SseEvent event) {
		ChunkDecoder.Decoded decoded = this.decoder.decode(event, this.transport.secrets());
		if (decoded.done()) {
			endNormally("[DONE]");
			return false;
		}
		if (decoded.skipped()) {
			// Resets no timer: an upstream that only pings must still time out.
			this.tracker.skipped();
			return false;
		}
		JacksonException undecodable = decoded.undecodable();
		if (undecodable != null) {
			undecodable(undecodable);
			return false;
		}
		ChatCompletionChunk chunk = decoded.chunk();
		if (chunk != null) {
			// By index: an iterator per chunk was a tenth of the bytes the stream itself allocated per chunk.
			List<ChunkChoice> choices = chunk.choices();
			for (int i = 0; i < choices.size(); i++) {
				ChunkChoice choice = choices.get(i);
				this.choiceEnds.add(choice.index(), ChunkSignals.finished(choice));
			}
		}
		this.pendingError = decoded.error();
		this.next = chunk;
		this.nextData = decoded.verbatim() ? event.data() : null;
		if (this.next == null) {
			return false;
		}
		// Only chunks that carry a choice or usage reset the first-chunk and idle clocks: comments, pings, partial
		// events and {"choices": []} (a keep-alive in chunk form) never do.
		if (ChunkSignals.carriesSomething(this.next)) {
			this.opened.exchange().chunkArrived();
		}
		return true;
	}

	/**
	 * Data that cannot be decoded is not skipped (its content would be lost unseen). At the end of the body it is an
	 * event the connection cut short, so the stream was truncated. The parser's message may quote the data, so it is
	 * masked and not kept as the cause.
	 */
	private void undecodable(JacksonException ex) {
		if (this.body.ended()) {
			fail(new LlmTruncatedStreamException("The LLM stream from " + this.transport.uri() + " ended inside an"
					+ " event after " + this.tracker.chunks() + " chunks; the answer is probably incomplete"));
			return;
		}
		String why = Texts.abbreviate(this.transport.secrets().mask(String.valueOf(ex.getOriginalMessage())), 200);
		fail(new LlmInvalidResponseException("The LLM provider at " + this.transport.uri() + " sent an event whose "
				+ "data could not be decoded, after " + this.tracker.chunks() + " chunks: " + why, null));
	}

	private void readMore() {
		try {
			this.body.read(this.transport, this.opened);
		}
		catch (IOException ex) {
			readFailed(ex);
		}
	}

	private void readFailed(IOException ex) {
		Exchange exchange = this.opened.exchange();
		if (this.cancelled || (exchange.cancelled() && !exchange.interrupted())) {
			endCancelled();
			return;
		}
		Kind kind = exchange.timedOut();
		if (exchange.interrupted() || (kind == null && Thread.currentThread().isInterrupted())) {
			interrupted(ex);
			return;
		}
		if (kind == null) {
			readCut(ex);
			return;
		}
		LlmTimeoutException timeout = this.transport.timeout(kind, this.tracker);
		if (kind == Kind.FIRST_CHUNK && this.tracker.chunks() == 0) {
			reopen(timeout);
			return;
		}
		fail(timeout);
	}

	/**
	 * The connection failed or was closed mid-body. After chunks were handed out the answer is cut short: a
	 * truncation, whatever the socket said (okhttp and httpx raise an I/O error here too, without a type for it).
	 * Before any, the provider could not be read at all.
	 */
	private void readCut(IOException ex) {
		long chunks = this.tracker.chunks();
		// The HTTP client quotes a malformed chunk header, which a provider may fill with the key.
		String what = this.transport.secrets().mask(ex.toString());
		IOException cause = what.equals(ex.toString()) ? ex : null;
		if (chunks > 0) {
			fail(new LlmTruncatedStreamException("The LLM stream from " + this.transport.uri() + " was cut after "
					+ chunks + " chunks (" + what + "); the answer is probably incomplete", cause));
			return;
		}
		fail(new LlmNetworkException("Reading the LLM stream from " + this.transport.uri() + " failed after "
				+ chunks + " chunks: " + what, cause));
	}

	/** The reading thread was interrupted: end as cancelled, and say so, with the thread still interrupted. */
	private void interrupted(IOException ex) {
		this.ended = true;
		this.next = null;
		this.pendingError = null;
		this.opened.exchange().close();
		Thread.currentThread().interrupt();
		this.tracker.end(Outcome.CANCELLED, null);
		this.reopener.cancel();
		logger.trace("Stream interrupted after {} chunks", this.tracker.chunks());
		throw new LlmCancelledException("The LLM stream was interrupted after " + this.tracker.chunks() + " chunks",
				ex);
	}

	/** Nothing was handed out yet: the request may be sent again, as the retry policy allows. */
	private void reopen(LlmTimeoutException timeout) {
		this.opened.exchange().close();
		ChatTransport.Opened reopened;
		try {
			reopened = this.reopener.reopen(timeout);
		}
		catch (LlmException ex) {
			if (ex instanceof LlmCancelledException && !this.cancelled && Thread.currentThread().isInterrupted()) {
				// Interrupted while waiting to retry: the call ended as cancelled; say so, as for any interrupt.
				this.ended = true;
				throw ex;
			}
			if (this.reopener.cancelled()) {
				// Cancelled while waiting to retry: end quietly, as after any cancel.
				endCancelled();
				return;
			}
			fail(ex);
			return;
		}
		this.opened = reopened;
		if (this.cancelled) {
			reopened.exchange().cancel();
		}
		this.body.reset();
		this.choiceEnds.clear();
	}

	private void endOfBody() {
		if (this.choiceEnds.allFinished()) {
			endNormally("end of body after every choice finished");
			return;
		}
		fail(new LlmTruncatedStreamException("The LLM stream from " + this.transport.uri()
				+ " ended without [DONE] or a finish reason after " + this.tracker.chunks()
				+ " chunks; the answer is probably incomplete"));
	}

	private void endNormally(String how) {
		this.ended = true;
		this.decoder.release();
		this.opened.exchange().finish();
		if (this.tracker.end(Outcome.SUCCESS, null)) {
			logger.trace("Stream ended at {} after {} chunks", how, this.tracker.chunks());
		}
	}

	private void endCancelled() {
		this.ended = true;
		this.opened.exchange().close();
		if (this.tracker.end(Outcome.CANCELLED, null)) {
			logger.trace("Stream cancelled after {} chunks", this.tracker.chunks());
		}
	}

	private void fail(LlmException error) {
		this.ended = true;
		this.next = null;
		this.pendingError = null;
		this.opened.exchange().close();
		if (this.cancelled) {
			// The failure is the cancel's doing (or raced it): end quietly as promised.
			this.tracker.end(Outcome.CANCELLED, null);
			return;
		}
		this.tracker.end(Outcome.ERROR, error);
		logger.debug("Stream failed after {} chunks: {}", this.tracker.chunks(), error.getMessage());
		throw error;
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		this.reopener.cancel();
		this.opened.exchange().cancel();
		this.tracker.end(Outcome.CANCELLED, null);
	}

	@Override
	public void close() {
		if (!this.tracker.ended()) {
			cancel();
		}
		this.opened.exchange().close();
	}

	/** Sends the request again after a failure that left nothing handed out, as the retry policy allows. */
	interface Reopener {

		ChatTransport.Opened reopen(LlmException failure);

		/** Aborts a reopen in progress (its attempt in flight or its back-off) and any further attempt. */
		void cancel();

		/** Whether the call was cancelled, by {@link #cancel()} or by an interrupt while waiting to retry. */
		boolean cancelled();

	}

}
