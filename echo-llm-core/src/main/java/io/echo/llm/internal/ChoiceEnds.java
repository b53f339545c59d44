package io.echo.llm.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The choice indexes a stream has had chunks for, and those that finished: a body that ends without {@code [DONE]}
 * after every choice finished ended normally. Indexes 0 to 63 (all that providers send) are bits of two longs, so a
 * chunk costs no boxing and no hashing (two set insertions per chunk showed in the stream's profile); others go to
 * sets. Used by the iterating thread only.
 */
final class ChoiceEnds {

	private long seen;

	private long finished;

	private final Set<Integer> otherSeen = new HashSet<>();

	private final Set<Integer> otherFinished = new HashSet<>();

	/** Records a chunk's choice and whether it carried a finish reason. */
	void add(int index, boolean finished) {
		if (index >= 0 && index < Long.SIZE) {
			long bit = 1L << index;
			this.seen |= bit;
			if (finished) {
				this.finished |= bit;
			}
			return;
		}
		this.otherSeen.add(index);
		if (finished) {
			this.otherFinished.add(index);
		}
	}

	/** Whether a choice was seen and every choice seen finished. */
	boolean allFinished() {
		boolean any = this.seen != 0 || !this.otherSeen.isEmpty();
		return any && (this.seen & ~this.finished) == 0 && this.otherFinished.containsAll(this.otherSeen);
	}

	/** Forgets everything, for a new attempt. */
	void clear() {
		this.seen = 0;
		this.finished = 0;
		this.otherSeen.clear();
		this.otherFinished.clear();
	}

}
