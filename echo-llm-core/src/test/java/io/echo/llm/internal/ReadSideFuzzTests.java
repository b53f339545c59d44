package io.echo.llm.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.chat.Choice;
import io.echo.llm.chat.ToolCall;
import io.echo.llm.fuzz.Bounded;
import io.echo.llm.fuzz.Fuzz;
import io.echo.llm.fuzz.Gen;
import io.echo.llm.fuzz.WireGen;
import io.echo.llm.internal.ReadSide.Outcome;
import io.echo.llm.sse.SseParser;
import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams that look like a provider's, and streams that only nearly do, read through the engine's whole read side
 * (SSE parser, chunk decoder, the stream's end rules) in random splits, then accumulated and written back as JSON the
 * way the relays do: the only outcomes are chunks and an {@code LlmException}, the same whatever the split, within a
 * bounded time. See {@link Fuzz} for seeds and replays.
 */
class ReadSideFuzzTests {

	/** Generous: a try takes milliseconds; only a hang or a blow-up in time comes near. */
	static final Duration BOUND = Duration.ofSeconds(10);

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

	private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final List<String> NOISE = List.of(": OPENROUTER PROCESSING\n\n", ":\n", ": ping\r\n",
			"retry: 3000\n", "id: 7\n\n", "event: ping\ndata: {\"type\":\"ping\"}\n\n", "data: {}\n\n",
			"data: {\"object\":\"x\"}\r\n\r\n");

	@Test
	void wildChunksGiveChunksOrAnLlmExceptionWhateverTheSplit() {
		Fuzz.check(400, (gen) -> {
			byte[] body = utf8(wildStream(gen));
			List<Integer> sizes = gen.readSizes();
			gen.input(new String(body, StandardCharsets.UTF_8) + "\nread sizes " + sizes);
			Outcome whole = timed(() -> ReadSide.read(body, SseParser.DEFAULT_MAX_EVENT_BYTES));
			Outcome split = timed(() -> ReadSide.read(body, sizes, SseParser.DEFAULT_MAX_EVENT_BYTES));
			assertSameOutcome(split, whole);
			assertThat(whole.bodyClosed()).isTrue();
			assertAccumulatesAsHandedOut(whole);
			assertWritesBackAsRelaysDo(whole);
		});
	}

	@Test
	void wellTypedChunksAccumulateToTheirContentDeltas() {
		Fuzz.check(300, (gen) -> {
			TameStream stream = TameStream.of(gen);
			byte[] body = utf8(String.join("", stream.frames()));
			List<Integer> sizes = gen.readSizes();
			gen.input(new String(body, StandardCharsets.UTF_8) + "\nread sizes " + sizes);
			Outcome outcome = timed(() -> ReadSide.read(body, sizes, SseParser.DEFAULT_MAX_EVENT_BYTES));
			assertThat(outcome.failure()).isNull();
			Map<Integer, String> texts = new TreeMap<>();
			Map<Integer, List<String>> arguments = new TreeMap<>();
			for (Choice choice : outcome.accumulated().result().choices()) {
				texts.put(choice.index(), choice.message().text());
				List<String> calls = choice.message().toolCalls().stream().map(ToolCall::arguments).toList();
				if (!calls.isEmpty()) {
					arguments.put(choice.index(), calls);
				}
			}
			assertThat(texts).isEqualTo(stream.texts());
			assertThat(outcome.contentByChoice()).isEqualTo(stream.texts());
			assertThat(arguments).isEqualTo(stream.arguments());
			assertWritesBackAsRelaysDo(outcome);
		});
	}

	static void assertSameOutcome(Outcome actual, Outcome expected) {
		assertThat(actual.failureText()).isEqualTo(expected.failureText());
		assertThat(actual.chunks()).isEqualTo(expected.chunks());
		assertThat(actual.data()).isEqualTo(expected.data());
	}

	/** The accumulator joins exactly the content the chunks carried, per choice. */
	static void assertAccumulatesAsHandedOut(Outcome outcome) {
		Map<Integer, String> accumulated = new TreeMap<>();
		outcome.accumulated()
			.result()
			.choices()
			.forEach((choice) -> accumulated.put(choice.index(), choice.message().text()));
		assertThat(accumulated).isEqualTo(outcome.contentByChoice());
	}

	/**
	 * Every chunk is written to JSON as the relays write it, and reads back as the same chunk. A number beyond a
	 * double's range (read as infinity) is written by Jackson as the string {@code "Infinity"}: for such a chunk only
	 * the writing and a second round trip are checked.
	 */
	static void assertWritesBackAsRelaysDo(Outcome outcome) {
		for (int i = 0; i < outcome.chunks().size(); i++) {
			// The provider's data a relay forwards instead, when the stream gives it, says exactly what the chunk says.
			String data = outcome.data().get(i);
			if (data != null) {
				assertThat(ChatJson.mapper().readValue(data.strip(), ChatCompletionChunk.class))
					.isEqualTo(outcome.chunks().get(i));
			}
		}
		for (ChatCompletionChunk chunk : outcome.chunks()) {
			String json = ChatJson.mapper().writeValueAsString(chunk);
			ChatCompletionChunk reread = ChatJson.mapper().readValue(json, ChatCompletionChunk.class);
			if (hasNonFiniteNumber(ChatJson.mapper().valueToTree(chunk))) {
				assertThat(ChatJson.mapper().writeValueAsString(reread)).isEqualTo(json);
			}
			else {
				assertThat(reread).isEqualTo(chunk);
			}
		}
	}

	private static boolean hasNonFiniteNumber(JsonNode node) {
		if (node.isNumber()) {
			return node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue());
		}
		for (JsonNode child : node.values()) {
			if (hasNonFiniteNumber(child)) {
				return true;
			}
		}
		return false;
	}

	static Outcome timed(Supplier<Outcome> read) {
		return Bounded.within(BOUND, read);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** Chunks of any shape, provider errors, comments, data that is no JSON, perhaps {@code [DONE]}. */
	private static String wildStream(Gen gen) {
		WireGen wire = new WireGen(gen);
		StringBuilder body = new StringBuilder();
		int frames = gen.between(0, 8);
		for (int i = 0; i < frames; i++) {
			int kind = gen.between(0, 16);
			String eol = eol(gen);
			if (kind < 12) {
				body.append(dataFrame(wire.wildChunk(), eol, writer(gen)));
			}
			else if (kind < 14) {
				body.append(gen.oneOf(NOISE));
			}
			else if (kind == 14) {
				body.append("event: error").append(eol).append(dataFrame(wire.error(), eol, writer(gen)));
			}
			else if (kind == 15) {
				body.append("data: ").append(wire.text()).append(eol).append(eol);
			}
			else {
				body.append("data: [DONE]").append(eol).append(eol);
			}
		}
		return body.toString();
	}

	private static String eol(Gen gen) {
		return gen.oneOf("\n", "\r\n", "\r");
	}

	/** Compact, non-ASCII escaped (lone surrogates reach the decoder as escapes), or spread over several lines. */
	private static JsonMapper writer(Gen gen) {
		return gen.oneOf(ChatJson.mapper(), ESCAPING, PRETTY);
	}

	/** One event carrying the JSON, in as many data lines as the writer made. */
	static String dataFrame(JsonNode json, String eol, JsonMapper writer) {
		StringBuilder frame = new StringBuilder();
		for (String line : writer.writeValueAsString(json).split("\n", -1)) {
			frame.append("data: ").append(line).append(eol);
		}
		return frame.append(eol).toString();
	}

	/**
	 * A well-typed stream and what it must accumulate to: chunks for a few choice indexes (any int), each with a
	 * content delta (or an explicit null, or none) and perhaps a tool-call piece for one of a few tool-call indexes
	 * (any int; the first piece of a call carries its id and name), fields nobody models here and there, comments and
	 * JSON that is not a chunk between them, {@code [DONE]} at the end.
	 *
	 * @param frames the SSE text
	 * @param texts per choice index, its content joined
	 * @param arguments per choice index, the arguments of its tool calls in the order they started
	 */
	record TameStream(List<String> frames, Map<Integer, String> texts, Map<Integer, List<String>> arguments) {

		static TameStream of(Gen gen) {
			WireGen wire = new WireGen(gen);
			List<Integer> choiceIndexes = gen.list(0, () -> 0);
			List<Integer> toolIndexes = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				choiceIndexes.add(gen.chance(0.75) ? gen.between(0, 3) : gen.anyInt());
				toolIndexes.add(gen.chance(0.75) ? gen.between(0, 3) : gen.anyInt());
			}
			List<String> frames = new ArrayList<>();
			Map<Integer, StringBuilder> texts = new TreeMap<>();
			Map<Integer, Map<Integer, StringBuilder>> calls = new TreeMap<>();
			int steps = gen.between(0, 10);
			for (int i = 0; i < steps; i++) {
				if (gen.chance(0.2)) {
					frames.add(gen.oneOf(NOISE));
				}
				JsonMapper writer = writer(gen);
				int index = choiceIndexes.get(gen.between(0, 2));
				StringBuilder text = texts.computeIfAbsent(index, (key) -> new StringBuilder());
				ObjectNode delta = NODES.objectNode();
				int content = gen.between(0, 5);
				if (content < 4) {
					String piece = wire.text();
					delta.put("content", piece);
					text.append(asSent(piece, writer));
				}
				else if (content == 4) {
					delta.putNull("content");
				}
				if (gen.chance(0.4)) {
					int toolIndex = toolIndexes.get(gen.between(0, 2));
					Map<Integer, StringBuilder> callsOfChoice = calls.computeIfAbsent(index,
							(key) -> new LinkedHashMap<>());
					ObjectNode call = delta.putArray("tool_calls").addObject().put("index", toolIndex);
					ObjectNode function = call.putObject("function");
					if (!callsOfChoice.containsKey(toolIndex)) {
						call.put("id", "call_" + toolIndex).put("type", "function");
						function.put("name", "f" + toolIndex);
						callsOfChoice.put(toolIndex, new StringBuilder());
					}
					String piece = wire.text();
					function.put("arguments", piece);
					callsOfChoice.get(toolIndex).append(asSent(piece, writer));
				}
				ObjectNode chunk = NODES.objectNode()
					.put("id", "chatcmpl-fuzz")
					.put("object", "chat.completion.chunk")
					.put("created", 1700000000L)
					.put("model", "m");
				ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
				choice.set("delta", delta);
				choice.putNull("finish_reason");
				if (gen.chance(0.3)) {
					gen.oneOf(chunk, choice, delta).set("x_extra", wire.anyJson());
				}
				frames.add(dataFrame(chunk, eol(gen), writer));
			}
			frames.add("data: [DONE]\n\n");
			Map<Integer, String> joined = new TreeMap<>();
			texts.forEach((index, text) -> joined.put(index, text.toString()));
			Map<Integer, List<String>> arguments = new TreeMap<>();
			calls.forEach((index, byTool) -> arguments.put(index,
					byTool.values().stream().map(StringBuilder::toString).toList()));
			return new TameStream(frames, joined, arguments);
		}

		/** A lone surrogate survives only as a JSON escape: written raw, UTF-8 turns it into {@code '?'}. */
		private static String asSent(String text, JsonMapper writer) {
			return (writer == ESCAPING) ? text : new String(utf8(text), StandardCharsets.UTF_8);
		}

	}

}
