package io.echo.llm.fuzz;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The harness's seeds: fixed per property unless a run asks for random ones or names one.
 */
class FuzzTests {

	private static final long FIXED_A_B_C = 4363581138514444998L;

	@Test
	void defaultSeedIsFixedPerPropertyName() {
		assertThat(Fuzz.baseSeed(null, "a.B#c")).isEqualTo(Fuzz.baseSeed(null, "a.B#c"))
			.isNotEqualTo(Fuzz.baseSeed(null, "a.B#d"))
			.isEqualTo(Fuzz.fixedSeed("a.B#c"))
			.isNotNegative();
		// Pinned: a change of the derivation would silently give every build new inputs.
		assertThat(Fuzz.fixedSeed("a.B#c")).isEqualTo(FIXED_A_B_C);
	}

	@Test
	void propertyRunAgainDrawsTheSameInputs() {
		List<Integer> first = new ArrayList<>();
		List<Integer> second = new ArrayList<>();
		// Also under -Decho.fuzz.seed=random: one draw per run, so one property's base is the same within it.
		Fuzz.check(3, (gen) -> first.add(gen.anyInt()));
		Fuzz.check(3, (gen) -> second.add(gen.anyInt()));
		assertThat(first).isNotEmpty().isEqualTo(second);
	}

	@Test
	void namedSeedStartsEveryPropertyAndRandomDrawsAnother() {
		assertThat(Fuzz.baseSeed("2266919260370", "a.B#c")).isEqualTo(2266919260370L);
		assertThat(Fuzz.baseSeed(" -5 ", "a.B#c")).isEqualTo(-5L);
		assertThat(Fuzz.baseSeed("random", "a.B#c")).isNotEqualTo(Fuzz.fixedSeed("a.B#c"))
			.isNotEqualTo(Fuzz.baseSeed("random", "a.B#d"));
	}

	@Test
	void seedThatIsNeitherANumberNorRandomIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fuzz.baseSeed("rnd", "a.B#c"))
			.withMessageContaining("echo.fuzz.seed");
	}

}
