package io.echo.llm.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every index a provider may send counts, in bits or in the sets: low, high, negative, at the edges of a long. */
class ChoiceEndsTests {

	@Test
	void allFinishedOnlyWhenEveryIndexSeenFinished() {
		int[] indexes = { 0, 1, 62, 63, 64, 65, 1000, -1, Integer.MIN_VALUE, Integer.MAX_VALUE };
		for (int unfinished : indexes) {
			ChoiceEnds ends = new ChoiceEnds();
			assertThat(ends.allFinished()).as("nothing seen").isFalse();
			for (int index : indexes) {
				ends.add(index, false);
			}
			for (int index : indexes) {
				ends.add(index, index != unfinished);
			}
			assertThat(ends.allFinished()).as("%d not finished", unfinished).isFalse();
			ends.add(unfinished, true);
			assertThat(ends.allFinished()).as("%d finished last", unfinished).isTrue();
			ends.clear();
			assertThat(ends.allFinished()).as("cleared").isFalse();
			ends.add(unfinished, false);
			assertThat(ends.allFinished()).as("%d alone, not finished", unfinished).isFalse();
			ends.add(unfinished, true);
			assertThat(ends.allFinished()).as("%d alone, finished", unfinished).isTrue();
		}
	}

}
