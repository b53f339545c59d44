package io.echo.llm.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recorded provider streams in {@code echo-llm-core/src/test/resources/fixtures/transcripts}, cut into events and
 * repeated to the sizes the benchmarks need. The directory is the system property {@code echo.fixtures.dir}, else
 * that path from the repository root, else from a module directory.
 */
public final class Fixtures {

	/** The fixtures directory, relative to the repository root. */
	private static final String IN_REPOSITORY = "echo-llm-core/src/test/resources/fixtures";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<Transcript> transcripts;

	private Fixtures(List<Transcript> transcripts) {
		this.transcripts = transcripts;
	}

	/** Loads every {@code *.sse} transcript, in file-name order so that every run sees the same bytes. */
	public static Fixtures load() {
		Path dir = locate().resolve("transcripts");
		try (Stream<Path> files = Files.list(dir)) {
			List<Transcript> transcripts = new ArrayList<>();
			for (Path file : files.filter((f) -> f.toString().endsWith(".sse")).sorted().toList()) {
				transcripts.add(new Transcript(file.getFileName().toString(), Files.readString(file)));
			}
			if (transcripts.isEmpty()) {
				throw new IllegalStateException("No *.sse transcripts in " + dir);
			}
			return new Fixtures(List.copyOf(transcripts));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the transcripts in " + dir, ex);
		}
	}

	static Path locate() {
		String property = System.getProperty("echo.fixtures.dir");
		List<Path> candidates = (property != null) ? List.of(Paths.get(property))
				: List.of(Paths.get(IN_REPOSITORY), Paths.get("..").resolve(IN_REPOSITORY));
		for (Path candidate : candidates) {
			if (Files.isDirectory(candidate.resolve("transcripts"))) {
				return candidate.toAbsolutePath().normalize();
			}
		}
		throw new IllegalStateException("Fixtures not found at " + candidates
				+ ": run from the repository root or pass -Decho.fixtures.dir=/path/to/fixtures");
	}

	public List<Transcript> transcripts() {
		return this.transcripts;
	}

	/**
	 * Every event of every transcript whose data is a JSON object (so not {@code [DONE]}), in order, with the comment
	 * lines that came before it kept in its raw text.
	 */
	public List<RawEvent> jsonEvents() {
		List<RawEvent> events = new ArrayList<>();
		for (Transcript transcript : this.transcripts) {
			events.addAll(transcript.jsonEvents());
		}
		return events;
	}

	/**
	 * The first {@code count} JSON events, cycling through the transcripts as often as needed: the raw SSE bytes
	 * (each event closed by a blank line) and the same events' data, already split out.
	 */
	public DecodeInput decodeInput(int count) {
		List<RawEvent> all = jsonEvents();
		ByteArrayOutputStream raw = new ByteArrayOutputStream();
		List<String> payloads = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			RawEvent event = all.get(i % all.size());
			raw.writeBytes(event.raw().getBytes(StandardCharsets.UTF_8));
			payloads.add(event.data());
		}
		return new DecodeInput(raw.toByteArray(), List.copyOf(payloads));
	}

	/**
	 * Chunks that every client handles the same way: one choice at index 0 whose delta carries a non-empty string
	 * {@code content} and nothing else of weight (no tool call, reasoning, finish reason, usage or error). They keep
	 * their providers' extra fields ({@code system_fingerprint}, {@code obfuscation}, {@code usage: null}, ...).
	 */
	public List<ContentChunk> contentChunks() {
		List<ContentChunk> chunks = new ArrayList<>();
		for (RawEvent event : jsonEvents()) {
			JsonNode node = JSON.readTree(event.data());
			JsonNode choices = node.path("choices");
			if (!event.event().equals("message") || choices.size() != 1 || !isAbsent(node.get("usage"))
					|| !isAbsent(node.get("error"))) {
				continue;
			}
			JsonNode choice = choices.get(0);
			JsonNode delta = choice.path("delta");
			JsonNode content = delta.get("content");
			if (choice.path("index").asInt(-1) == 0 && content != null && content.isString()
					&& !content.asString().isEmpty() && isAbsent(choice.get("finish_reason"))
					&& isAbsent(delta.get("tool_calls")) && isBlank(delta.get("reasoning_content"))
					&& isBlank(delta.get("reasoning"))) {
				chunks.add(new ContentChunk(event.data(), content.asString()));
			}
		}
		return List.copyOf(chunks);
	}

	private static boolean isAbsent(JsonNode node) {
		return node == null || node.isNull();
	}

	private static boolean isBlank(JsonNode node) {
		return isAbsent(node) || (node.isString() && node.asString().isEmpty());
	}

	/** One recorded stream. */
	public record Transcript(String name, String text) {

		/** The JSON events of this transcript, with a blank line closing the last one even where the file has none. */
		public List<RawEvent> jsonEvents() {
			List<RawEvent> events = new ArrayList<>();
			StringBuilder raw = new StringBuilder();
			StringBuilder data = null;
			String event = "message";
			for (String line : (this.text + "\n\n").split("\n", -1)) {
				if (line.isEmpty()) {
					if (data != null && data.length() > 0 && data.charAt(0) == '{') {
						events.add(new RawEvent(event, raw + "\n", data.toString()));
						raw.setLength(0);
					}
					else if (data != null) {
						raw.setLength(0);
					}
					data = null;
					event = "message";
					continue;
				}
				raw.append(line).append('\n');
				if (line.startsWith("data:")) {
					String value = line.substring(line.startsWith("data: ") ? 6 : 5);
					data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
				}
				else if (line.startsWith("event:")) {
					event = line.substring(6).strip();
				}
			}
			return events;
		}

	}

	/** One event: its raw text (comments before it included, closing blank line included) and its data. */
	public record RawEvent(String event, String raw, String data) {
	}

	/** Input of the decode benchmark: the same events as SSE bytes and as split-out JSON payloads. */
	public record DecodeInput(byte[] sse, List<String> payloads) {
	}

	/** A real content chunk and the text it adds. */
	public record ContentChunk(String json, String content) {
	}

}
