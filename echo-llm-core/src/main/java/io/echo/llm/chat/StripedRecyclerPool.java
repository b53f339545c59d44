package io.echo.llm.chat;

import java.util.concurrent.atomic.AtomicReferenceArray;

import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.RecyclerPool;

/**
 * The {@link ChatJson} mapper's pool of Jackson buffer recyclers: a few slots, one picked by the calling thread's id,
 * each taken and given back with one atomic operation.
 * <p>
 * A stream decodes each event with a parser of its own, and every parser takes a recycler from the pool and gives it
 * back. Jackson 3's default pool (a {@code ConcurrentLinkedDeque}) allocates a node on every return and showed as
 * about 5 % of the decoding profile; its thread-local pool would hand each virtual thread (one per request, in
 * servers that use them) recyclers of its own, held until the thread ends. Here a thread finds the recycler it gave
 * back in its slot, unless another thread of the same slot took it, and then makes a new one; a recycler that finds
 * its slot taken is dropped. So at most one recycler per slot is kept, whatever the number of threads.
 */
final class StripedRecyclerPool implements RecyclerPool<BufferRecycler> {

	private static final long serialVersionUID = 1L;

	// Slots a cache line apart (16 references of at most 4 bytes each): threads on different slots share no line.
	private static final int STRIDE = 16;

	private final transient AtomicReferenceArray<BufferRecycler> slots;

	private final transient int mask;

	StripedRecyclerPool() {
		int wanted = Math.min(64, 2 * Runtime.getRuntime().availableProcessors());
		int count = Integer.highestOneBit(Math.max(2, wanted - 1)) << 1;
		this.mask = count - 1;
		this.slots = new AtomicReferenceArray<>(count * STRIDE);
	}

	@Override
	public BufferRecycler acquirePooled() {
		BufferRecycler recycler = this.slots.getAndSet(slot(), null);
		return (recycler != null) ? recycler : new BufferRecycler();
	}

	@Override
	public void releasePooled(BufferRecycler recycler) {
		this.slots.compareAndSet(slot(), null, recycler);
	}

	@Override
	public int pooledCount() {
		int count = 0;
		for (int i = 0; i < this.slots.length(); i += STRIDE) {
			count += (this.slots.get(i) != null) ? 1 : 0;
		}
		return count;
	}

	@Override
	public boolean clear() {
		for (int i = 0; i < this.slots.length(); i += STRIDE) {
			this.slots.set(i, null);
		}
		return true;
	}

	@SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; getId() is the same value.
	private int slot() {
		long id = Thread.currentThread().getId();
		// Spread ids that differ in high bits (virtual threads) over the slots too.
		int hash = (int) (id ^ (id >>> 32)) * 0x9E3779B9;
		return ((hash >>> 16) & this.mask) * STRIDE;
	}

	/** A deserialized mapper gets a new, empty pool (the slots are not serializable state). */
	private Object readResolve() {
		return new StripedRecyclerPool();
	}

}
