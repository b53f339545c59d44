package io.echo.llm.chat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Plain constructor calls for the record types every streamed chunk is made of, in place of {@link WireShape}'s
 * method handle. A method handle held in a field is not a constant to the JIT: each call went through a generic
 * spreading adapter, boxing and {@code Unsafe.allocateInstance}, about a tenth of the decoding profile. The arguments
 * are those of the canonical constructor in order, as {@link WireShape#construct} fills them (an absent
 * {@code int} already 0, {@code extra} never null); the round-trip tests build every type both ways. Other types
 * keep the method handle. Stateless.
 */
final class WireConstructors {

	private WireConstructors() {
	}

	/** The constructor call for a hot record type, or null for the others. */
	static @Nullable Function<Object[], Object> of(Class<?> type) {
		if (type == ChatCompletionChunk.class) {
			return (args) -> new ChatCompletionChunk((String) args[0], (String) args[1], (Long) args[2],
					(String) args[3], (String) args[4], list(args[5]), (Usage) args[6], (ApiError) args[7],
					extra(args[8]));
		}
		if (type == ChunkChoice.class) {
			return (args) -> new ChunkChoice((Integer) args[0], (Delta) args[1], (String) args[2],
					(JsonNode) args[3], extra(args[4]));
		}
		if (type == Delta.class) {
			return (args) -> new Delta((String) args[0], (MessageContent) args[1], (String) args[2],
					(String) args[3], (String) args[4], list(args[5]), extra(args[6]));
		}
		if (type == ToolCallDelta.class) {
			return (args) -> new ToolCallDelta((Integer) args[0], (String) args[1], (String) args[2],
					(FunctionCall) args[3], extra(args[4]));
		}
		if (type == FunctionCall.class) {
			return (args) -> new FunctionCall((String) args[0], (String) args[1], extra(args[2]));
		}
		if (type == Usage.class) {
			return (args) -> new Usage((Integer) args[0], (Integer) args[1], (Integer) args[2], (JsonNode) args[3],
					(JsonNode) args[4], extra(args[5]));
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable List<T> list(@Nullable Object value) {
		return (List<T>) value;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, JsonNode> extra(@Nullable Object value) {
		return (Map<String, JsonNode>) value;
	}

}
