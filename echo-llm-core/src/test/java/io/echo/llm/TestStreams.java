package io.echo.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatMessage;

/** Requests, events and helpers shared by the engine tests. */
final class TestStreams {

	private TestStreams() {
	}

	static ChatCompletionRequest hello() {
		return request("Say hello");
	}

	static ChatCompletionRequest request(String userText) {
		return ChatCompletionRequest.builder().message(ChatMessage.user(userText)).build();
	}

	/** An SSE event carrying a content chunk with the given id. */
	static String chunkEvent(String id, String content) {
		return "data: " + chunkJson(id, content, null) + "\n\n";
	}

	/** An SSE event carrying the last chunk of choice 0. */
	static String finishEvent(String id) {
		return "data: " + chunkJson(id, "", "stop") + "\n\n";
	}

	static String chunkJson(String id, String content, String finishReason) {
		String finish = (finishReason != null) ? "\"" + finishReason + "\"" : "null";
		return "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
				+ "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":" + finish + "}]}";
	}

	static LlmStreamService.Builder client(String baseUrl) {
		return LlmStreamService.builder()
			.baseUrl(baseUrl)
			.apiKey("sk-test-secret")
			.model("test-model")
			.initialBackoff(Duration.ofMillis(1))
			.maxBackoff(Duration.ofMillis(5));
	}

	/** Ids of the chunks the stream hands out, until it ends or fails (the failure is rethrown). */
	static List<String> ids(ChatCompletionStream stream, List<String> into) {
		for (ChatCompletionChunk chunk : stream) {
			into.add(chunk.id());
		}
		return into;
	}

	static List<String> ids(ChatCompletionStream stream) {
		return ids(stream, new ArrayList<>());
	}

}
