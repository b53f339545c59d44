package io.echo.llm.sample.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
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
	 * and {@code [DONE]}; or, for a failing script, the error event or nothing after the content.
	 */
	List<String> stream(DemoScript script, int promptTokens) {
		List<String> frames = new ArrayList<>();
		frames.add(role());
		script.reasoning().forEach((piece) -> frames.add(reasoning(piece)));
		script.content().forEach((piece) -> frames.add(content(piece)));
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
			frames.add(toolCallStart(call));
			call.argumentPieces().forEach((piece) -> frames.add(toolCallArguments(piece)));
		}
		frames.add(finish((call != null) ? "tool_calls" : "stop"));
		frames.add(usage(promptTokens, script.completionTokens()));
		frames.add("data: [DONE]\n\n");
		return frames;
	}

	/** An OpenAI-style error body: {@code {"error": {"message", "type", "param", "code"}}}. */
	static ObjectNode error(JsonMapper json, String message, String type, @Nullable String code) {
		ObjectNode body = json.createObjectNode();
		body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
		return body;
	}

	/** The first chunk: the assistant role and empty content, as OpenAI sends it. */
	private String role() {
		return delta((delta) -> delta.put("role", "assistant").put("content", ""));
	}

	private String reasoning(String piece) {
		return delta((delta) -> delta.put("reasoning_content", piece));
	}

	private String content(String piece) {
		return delta((delta) -> delta.put("content", piece));
	}

	/** The first tool-call delta: index, id, type and name, with empty arguments. */
	private String toolCallStart(DemoScript.ToolCall call) {
		return delta((delta) -> {
			ObjectNode toolCall = delta.putArray("tool_calls").addObject();
			toolCall.put("index", 0).put("id", call.id()).put("type", "function");
			toolCall.putObject("function").put("name", call.name()).put("arguments", "");
		});
	}

	/** A follow-up tool-call delta: only the index and a piece of the arguments. */
	private String toolCallArguments(String piece) {
		return delta((delta) -> delta.putArray("tool_calls")
			.addObject()
			.put("index", 0)
			.putObject("function")
			.put("arguments", piece));
	}

	/** The last chunk with a choice: an empty delta and the finish reason. */
	private String finish(String finishReason) {
		ObjectNode chunk = chunk();
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.putObject("delta");
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason);
		return event(chunk);
	}

	/** The usage chunk after the last choice, as with {@code stream_options.include_usage}. */
	private String usage(int promptTokens, int completionTokens) {
		ObjectNode chunk = chunk();
		chunk.putArray("choices");
		putUsage(chunk, promptTokens, completionTokens);
		return event(chunk);
	}

	/** The whole answer as one {@code chat.completion} object. */
	ObjectNode completion(DemoScript script, int promptTokens) {
		ObjectNode completion = this.json.createObjectNode()
			.put("id", this.id)
			.put("object", "chat.completion")
			.put("created", this.created)
			.put("model", this.model);
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		ObjectNode message = choice.putObject("message").put("role", "assistant");
		DemoScript.ToolCall call = script.toolCall();
		if (call != null) {
			message.putNull("content");
			ObjectNode toolCall = message.putArray("tool_calls").addObject().put("id", call.id()).put("type", "function");
			toolCall.putObject("function").put("name", call.name()).put("arguments", call.arguments());
		}
		else {
			message.put("content", script.contentText());
		}
		message.put("reasoning_content", script.reasoningText());
		choice.putNull("logprobs");
		choice.put("finish_reason", (call != null) ? "tool_calls" : "stop");
		putUsage(completion, promptTokens, script.completionTokens());
		return completion;
	}

	private String delta(Consumer<ObjectNode> content) {
		ObjectNode chunk = chunk();
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		content.accept(choice.putObject("delta"));
		choice.putNull("logprobs");
		choice.putNull("finish_reason");
		return event(chunk);
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
