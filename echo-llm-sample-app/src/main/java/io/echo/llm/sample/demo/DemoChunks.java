package io.echo.llm.sample.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the events of one demo answer in OpenAI's wire format: {@code chat.completion.chunk} objects as
 * {@code data:} events, and the whole {@code chat.completion} for a request that does not stream.
 */
final class DemoChunks {

	private final JsonMapper json;

	private final String id;

	private final String model;

	private final long created = Instant.now().getEpochSecond();

	DemoChunks(JsonMapper json, String id, String model) {
		this.json = json;
		this.id = id;
		this.model = model;
	}

	/**
	 * Every frame of a streamed answer, in order: role, reasoning, content, then the tool call, finish reason, usage
	 * and {@code [DONE]}; or, for a failing script, the error event or nothing after the content. With several
	 * choices a frame holds one chunk per choice, so that they arrive side by side as OpenAI sends them.
	 */
	List<String> stream(DemoScript script, int promptTokens, int choices) {
		List<String> frames = new ArrayList<>();
		frames.add(frame(choices, (index) -> delta(index, (delta) -> delta.put("role", "assistant").put("content", ""))));
		script.reasoning()
			.forEach((piece) -> frames.add(frame(choices, (index) -> delta(index,
					(delta) -> delta.put("reasoning_content", piece)))));
		script.content()
			.forEach((piece) -> frames.add(frame(choices, (index) -> delta(index, (delta) -> delta.put("content", piece)))));
		if (script.failure() == DemoScript.Failure.MID_STREAM_ERROR) {
			frames.add("event: error\ndata: " + this.json.writeValueAsString(error(this.json, "The demo provider failed "
					+ "mid-stream: the prompt contains " + DemoScript.ERROR_PHRASE + ".", "server_error",
					"demo_error")) + "\n\n");
			return frames;
		}
		if (script.failure() == DemoScript.Failure.STALL) {
			return frames;
		}
		DemoScript.ToolCall call = script.toolCall();
		if (call != null) {
			frames.add(frame(choices, (index) -> toolCallStart(index, call)));
			call.argumentPieces().forEach((piece) -> frames.add(frame(choices, (index) -> toolCallArguments(index, piece))));
		}
		frames.add(frame(choices, (index) -> finish(index, (call != null) ? "tool_calls" : "stop")));
		frames.add(usage(promptTokens, script.completionTokens() * choices));
		frames.add("data: [DONE]\n\n");
		return frames;
	}

	/** An OpenAI-style error body: {@code {"error": {"message", "type", "param", "code"}}}. */
	static ObjectNode error(JsonMapper json, String message, String type, @Nullable String code) {
		return error(json, message, type, null, code);
	}

	/** An OpenAI-style error body naming the request parameter at fault. */
	static ObjectNode error(JsonMapper json, String message, String type, @Nullable String param,
			@Nullable String code) {
		ObjectNode body = json.createObjectNode();
		body.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
		return body;
	}

	/** One frame with an event for each choice. */
	private String frame(int choices, IntFunction<ObjectNode> chunk) {
		StringBuilder frame = new StringBuilder();
		for (int index = 0; index < choices; index++) {
			frame.append(event(chunk.apply(index)));
		}
		return frame.toString();
	}

	/** The first tool-call delta: index, id, type and name, with empty arguments. */
	private ObjectNode toolCallStart(int choice, DemoScript.ToolCall call) {
		return delta(choice, (delta) -> {
			ObjectNode toolCall = delta.putArray("tool_calls").addObject();
			toolCall.put("index", 0).put("id", callId(call, choice)).put("type", "function");
			toolCall.putObject("function").put("name", call.name()).put("arguments", "");
		});
	}

	/** A follow-up tool-call delta: only the index and a piece of the arguments. */
	private ObjectNode toolCallArguments(int choice, String piece) {
		return delta(choice, (delta) -> delta.putArray("tool_calls")
			.addObject()
			.put("index", 0)
			.putObject("function")
			.put("arguments", piece));
	}

	/** The last chunk of a choice: an empty delta and the finish reason. */
	private ObjectNode finish(int index, String finishReason) {
		ObjectNode chunk = chunk();
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
		choice.putObject("delta");
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason);
		return chunk;
	}

	/** The usage chunk after the last choice, as with {@code stream_options.include_usage}. */
	private String usage(int promptTokens, int completionTokens) {
		ObjectNode chunk = chunk();
		chunk.putArray("choices");
		putUsage(chunk, promptTokens, completionTokens);
		return event(chunk);
	}

	/** The whole answer as one {@code chat.completion} object, with {@code choices} alike choices. */
	ObjectNode completion(DemoScript script, int promptTokens, int choices) {
		ObjectNode completion = this.json.createObjectNode()
			.put("id", this.id)
			.put("object", "chat.completion")
			.put("created", this.created)
			.put("model", this.model);
		ArrayNode array = completion.putArray("choices");
		DemoScript.ToolCall call = script.toolCall();
		for (int index = 0; index < choices; index++) {
			ObjectNode choice = array.addObject().put("index", index);
			ObjectNode message = choice.putObject("message").put("role", "assistant");
			if (call != null) {
				message.putNull("content");
				ObjectNode toolCall = message.putArray("tool_calls")
					.addObject()
					.put("id", callId(call, index))
					.put("type", "function");
				toolCall.putObject("function").put("name", call.name()).put("arguments", call.arguments());
			}
			else {
				message.put("content", script.contentText());
			}
			message.put("reasoning_content", script.reasoningText());
			choice.putNull("logprobs");
			choice.put("finish_reason", (call != null) ? "tool_calls" : "stop");
		}
		putUsage(completion, promptTokens, script.completionTokens() * choices);
		return completion;
	}

	// Each choice's call gets its own id, as the tool messages that answer them must name one call each.
	private static String callId(DemoScript.ToolCall call, int choice) {
		return (choice == 0) ? call.id() : call.id() + "_" + choice;
	}

	private ObjectNode delta(int index, Consumer<ObjectNode> content) {
		ObjectNode chunk = chunk();
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
		content.accept(choice.putObject("delta"));
		choice.putNull("logprobs");
		choice.putNull("finish_reason");
		return chunk;
	}

	private ObjectNode chunk() {
		return this.json.createObjectNode()
			.put("id", this.id)
			.put("object", "chat.completion.chunk")
			.put("created", this.created)
			.put("model", this.model)
			.put("system_fingerprint", "fp_echo_demo");
	}

	private void putUsage(ObjectNode target, int promptTokens, int completionTokens) {
		target.putObject("usage")
			.put("prompt_tokens", promptTokens)
			.put("completion_tokens", completionTokens)
			.put("total_tokens", promptTokens + completionTokens);
	}

	private String event(ObjectNode chunk) {
		return "data: " + this.json.writeValueAsString(chunk) + "\n\n";
	}

}
