package io.echo.llm.sse;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.echo.llm.sse.SseVectors.Vector;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared vectors (taken from WPT, the HTML specification's examples and the tests of eight SSE libraries), each
 * fed in every way a network could split it.
 */
class SseVectorsTests {

	static Stream<Vector> vectors() {
		return SseVectors.all().stream();
	}

	static Stream<Vector> vectorsWithRecordedChunks() {
		return vectors().filter((vector) -> vector.chunksBase64() != null);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectors")
	void fedWhole(Vector vector) {
		assertThat(SseFeeding.whole(vector.input())).as(vector.name()).isEqualTo(vector.expected());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectors")
	void fedInTwoPartsAtEverySplitPoint(Vector vector) {
		byte[] input = vector.input();
		for (int point = 0; point <= input.length; point++) {
			assertThat(SseFeeding.splitAt(input, point)).as("%s split at byte %d", vector.name(), point)
				.isEqualTo(vector.expected());
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectors")
	void fedOneByteAtATime(Vector vector) {
		assertThat(SseFeeding.byteByByte(vector.input())).as(vector.name()).isEqualTo(vector.expected());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectorsWithRecordedChunks")
	void fedInTheChunksOfItsSourceTest(Vector vector) {
		assertThat(SseFeeding.inChunks(vector.chunks())).as(vector.name()).isEqualTo(vector.expected());
	}

}
