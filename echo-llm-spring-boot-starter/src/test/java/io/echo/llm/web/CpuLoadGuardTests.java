package io.echo.llm.web;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The judgement of {@link CpuLoadGuard} on readings the test gives: a second of readings at or above the limit refuses
 * new streams, a shorter burst does not, one reading below takes streams again, and a load the JDK cannot read never
 * refuses.
 */
class CpuLoadGuardTests {

	private final Queue<Double> readings = new ArrayDeque<>();

	private final CpuLoadGuard guard = new CpuLoadGuard(0.9, () -> this.readings.remove());

	@Test
	void aSecondAtOrAboveTheLimitRefusesNewStreams() {
		for (int i = 0; i < CpuLoadGuard.SUSTAINED - 1; i++) {
			read(0.95);
			assertThat(this.guard.overloaded()).as("after %d busy readings", i + 1).isFalse();
		}
		read(0.9);
		assertThat(this.guard.overloaded()).isTrue();
		assertThat(this.guard.describe())
			.isEqualTo("90 %, at or above echo.llm.relay.max-cpu-load (90 %) for a second");
	}

	@Test
	void burstShorterThanASecondRefusesNobody() {
		// A collection or a burst of compilation: busy for three readings, then quiet; the count starts again.
		readAll(List.of(1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0));
		assertThat(this.guard.overloaded()).isFalse();
	}

	@Test
	void oneReadingBelowTheLimitTakesStreamsAgain() {
		readAll(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0));
		assertThat(this.guard.overloaded()).isTrue();
		read(0.89);
		assertThat(this.guard.overloaded()).isFalse();
	}

	@Test
	void loadTheJdkCannotReadNeverRefusesNorInterruptsACount() {
		readAll(List.of(-1.0, Double.NaN, -1.0, -1.0, -1.0));
		assertThat(this.guard.overloaded()).isFalse();
		readAll(List.of(1.0, 1.0, -1.0, 1.0, 1.0));
		assertThat(this.guard.overloaded()).isTrue();
	}

	@Test
	void limitIsAShareOfTheCpus() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CpuLoadGuard(0, () -> 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new CpuLoadGuard(1.5, () -> 0));
		assertThatIllegalArgumentException().isThrownBy(() -> RelaySettings.defaults().withMaxCpuLoad(-0.1));
		assertThat(RelaySettings.defaults().withMaxCpuLoad(0.9).maxCpuLoad()).isEqualTo(0.9);
	}

	private void readAll(List<Double> loads) {
		loads.forEach(this::read);
	}

	private void read(double load) {
		this.readings.add(load);
		this.guard.tick();
	}

}
