package io.echo.llm.sse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.echo.llm.fixtures.Fixtures;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared test vectors of {@code sse-vectors.json} (see {@code VECTORS-README.md} next to it).
 */
final class SseVectors {

	private SseVectors() {
	}

	static List<Vector> all() {
		Path file = Fixtures.dir().resolve("sse-vectors.json");
		try {
			List<Vector> vectors = JsonMapper.builder().build().readValue(Files.readAllBytes(file),
					new TypeReference<List<Vector>>() {
					});
			if (vectors.isEmpty()) {
				throw new IllegalStateException("No vectors in " + file);
			}
			return vectors;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	/**
	 * One vector: the stream's bytes, how its source test split them (may be null) and the events a browser
	 * dispatches for them.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Vector(String name, @JsonProperty("input_b64") String inputBase64,
			@JsonProperty("chunks_b64") List<String> chunksBase64, List<SseEvent> expected) {

		byte[] input() {
			return Base64.getDecoder().decode(this.inputBase64);
		}

		List<byte[]> chunks() {
			return this.chunksBase64.stream().map(Base64.getDecoder()::decode).toList();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
