package io.echo.llm.chat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Binding straight from the text (the engine's path) gives what binding from the JSON tree gives, also for the
 * values that do not bind exactly: they are judged on the tree path and kept as they came.
 */
class StreamingBindingTests {

	private static final JsonMapper MAPPER = ChatJson.mapper();

	static Stream<Arguments> values() {
		return Stream.of(
				Arguments.of(ChatCompletionChunk.class,
						"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"id\":null,\"created\":1.0,\"choices\":[{\"index\":1.5,\"delta\":{\"role\":7}}],\"x_groq\":{\"id\":\"q\"}}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"created\":12345678901234567890,\"choices\":[{\"index\":\"0\",\"finish_reason\":3}]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":[{\"index\":0},1,\"two\",{\"index\":2}],\"usage\":{\"prompt_tokens\":2.0}}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":{\"index\":0},\"usage\":[1]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},\"b\"],"
								+ "\"tool_calls\":[{\"index\":0,\"id\":\"\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},null]}}]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}],\"refusal\":true}}]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,"
								+ "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"obfuscation\":\"x\"}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"error\":{\"message\":\"boom\",\"code\":400,\"param\":null},\"choices\":null}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"error\":\"overloaded\"}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.1}]},"
								+ "\"delta\":{\"reasoning_content\":\"r\",\"reasoning\":\"r\"}}]}"),
				// Many extras (the map indexes them beyond eight), an extra sent twice (keeps its place, takes the
				// last value) and modelled fields sent twice with explicit nulls in between.
				Arguments.of(ChatCompletionChunk.class,
						"{\"a1\":1,\"a2\":null,\"a3\":\"x\",\"a4\":true,\"a5\":false,\"a6\":[1],\"a7\":{\"k\":1},"
								+ "\"a8\":2.5,\"a9\":\"y\",\"a3\":\"z\",\"id\":null,\"a10\":null,\"id\":null,"
								+ "\"model\":null,\"id\":\"i\",\"choices\":[]}"),
				Arguments.of(ChatCompletionChunk.class,
						"{\"id\":null,\"b\":1,\"id\":\"i\",\"b\":2,\"model\":null,\"id\":null,\"choices\":[{\"index\":0,"
								+ "\"finish_reason\":null,\"logprobs\":null,\"finish_reason\":\"stop\",\"x\":\"\"}]}"),
				Arguments.of(ChatCompletionRequest.class,
						"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":\"x\",\"temperature\":1}"),
				Arguments.of(ChatCompletionRequest.class,
						"{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}],"
								+ "\"stop\":[\"a\",2],\"stream\":\"yes\",\"max_tokens\":10.0}"));
	}

	@ParameterizedTest
	@MethodSource("values")
	void valueBoundFromTextEqualsValueBoundFromTree(Class<?> type, String json) throws Exception {
		Object fromText = MAPPER.readValue(json, type);
		assertThat(fromText).isEqualTo(MAPPER.treeToValue(MAPPER.readTree(json), type));
		assertThat(MAPPER.readTree(MAPPER.writeValueAsString(fromText))).isEqualTo(MAPPER.readTree(json));
		Object fromTree = MAPPER.treeToValue(MAPPER.readTree(json), type);
		assertThat(fromText).hasSameHashCodeAs(fromTree);
	}

	@ParameterizedTest
	@MethodSource("values")
	void extraOfValueBoundFromTextIsReadOnlyAndHandedOutAsACopy(Class<?> type, String json) throws Exception {
		Object fromText = MAPPER.readValue(json, type);
		Map<String, JsonNode> kept = WireShape.of(type).extra(fromText);
		Map<String, JsonNode> handedOut = (fromText instanceof ChatCompletionChunk chunk) ? chunk.extra()
				: ((ChatCompletionRequest) fromText).extra();
		assertThat(handedOut).isEqualTo(kept);
		if (kept.isEmpty()) {
			return;
		}
		assertThat(handedOut).isNotSameAs(kept);
		String name = kept.keySet().iterator().next();
		assertThatThrownBy(() -> handedOut.remove(name)).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> kept.remove(name)).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> kept.put(name, NullNode.getInstance()))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> kept.entrySet().iterator().next().setValue(NullNode.getInstance()))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	/**
	 * The parser is told the field names the last object of a type had, in order. Whatever the objects before it
	 * taught (other orders, fewer or more fields, unknown ones, names written with escapes, a field sent twice),
	 * each object binds as from its tree, read one after another as the engine reads a stream's events.
	 */
	@Test
	void fieldsInAnotherOrderThanTheObjectBeforeBindAsFromTheTree() throws Exception {
		List<String> jsons = List.of(
				"{\"id\":\"a\",\"object\":\"o\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
						+ "\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}",
				"{\"choices\":[{\"delta\":{\"content\":\"y\"},\"index\":1}],\"created\":2,\"id\":\"b\",\"model\":\"m\","
						+ "\"object\":\"o\"}",
				"{\"id\":\"c\",\"x_unknown\":{\"k\":[1]},\"object\":\"o\",\"choices\":[{\"index\":0}]}",
				"{\"\\u0069d\":\"d\",\"obj\\u0065ct\":\"o\",\"created\":3,\"choices\":[{\"ind\\u0065x\":2,\"delta\":{}}]}",
				"{\"id\":\"e\"}",
				"{}",
				"{\"id\":\"f\",\"id\":\"g\",\"object\":null,\"object\":\"o\",\"choices\":[],\"choices\":[{\"index\":0}]}",
				"{\"id\":\"i\",\"object\":\"o\",\"created\":4,\"model\":\"m\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,"
						+ "\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":10,\"k\":11,\"l\":12,\"m\":13,\"n\":14,"
						+ "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}",
				"{\"id\":\"j\",\"object\":\"o\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,"
						+ "\"delta\":{\"content\":\"z\"},\"finish_reason\":\"stop\"}]}");
		for (int round = 0; round < 3; round++) {
			for (String json : jsons) {
				ChatCompletionChunk fromText = MAPPER.readValue(json, ChatCompletionChunk.class);
				assertThat(fromText).as(json)
					.isEqualTo(MAPPER.treeToValue(MAPPER.readTree(json), ChatCompletionChunk.class));
				assertThat(MAPPER.readTree(MAPPER.writeValueAsString(fromText))).as(json)
					.isEqualTo(MAPPER.readTree(json));
			}
		}
	}

}
