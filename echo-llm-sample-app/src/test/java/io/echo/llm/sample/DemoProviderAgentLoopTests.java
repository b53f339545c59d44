package io.echo.llm.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.echo.llm.chat.ChatJson;
import io.echo.llm.sample.demo.DemoProvider;
import io.echo.llm.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.echo.llm.sample.JsonAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded demo provider driven over HTTP the way an OpenAI client's agent loop drives a model: offer tools, run
 * the tool the model calls, send its result back, repeat until the model answers in text.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "echo.demo.token-delay=0ms")
class DemoProviderAgentLoopTests {

	private static final String COMPLETIONS = DemoProvider.PATH + "/chat/completions";

	/** More rounds than any loop needs: a model that keeps calling tools fails the test instead of hanging it. */
	private static final int MAX_ROUNDS = 5;

	@LocalServerPort
	private int port;

	@ParameterizedTest(name = "stream: {0}")
	@ValueSource(booleans = { true, false })
	void agentLoopEndsWithATextAnswerAfterTheToolResult(boolean stream) throws Exception {
		ArrayNode messages = ChatJson.mapper().createArrayNode();
		messages.addObject().put("role", "user").put("content", "What's the weather in Lisbon?");
		List<Choice> rounds = new ArrayList<>();
		for (int round = 0; round < MAX_ROUNDS; round++) {
			Choice answer = ask(request(messages, stream).set("tools", weatherTool())).get(0);
			rounds.add(answer);
			if (answer.toolCalls().isEmpty()) {
				break;
			}
			ObjectNode assistant = messages.addObject().put("role", "assistant").putNull("content");
			ArrayNode calls = assistant.putArray("tool_calls");
			for (ToolCall call : answer.toolCalls()) {
				calls.addObject()
					.put("id", call.id())
					.put("type", "function")
					.putObject("function")
					.put("name", call.name())
					.put("arguments", call.arguments());
				messages.addObject()
					.put("role", "tool")
					.put("tool_call_id", call.id())
					.put("content", "{\"temperature\": 21, \"condition\": \"sunny\"}");
			}
		}

		assertThat(rounds).as("rounds of the agent loop").hasSize(2);
		assertThat(rounds.get(0).finishReason()).isEqualTo("tool_calls");
		assertThat(rounds.get(0).toolCalls()).singleElement().satisfies((call) -> {
			assertThat(call.name()).isEqualTo("get_weather");
			assertThat(json(call.arguments()).get("location").asString()).isEqualTo("Lisbon");
		});
		assertThat(rounds.get(1).finishReason()).isEqualTo("stop");
		assertThat(rounds.get(1).content()).startsWith("The get_weather tool answered: ")
			.contains("{\"temperature\": 21, \"condition\": \"sunny\"}");
	}

	@Test
	void toolResultAnswerIsTheSameEveryTime() throws Exception {
		String body = """
				{"messages": [
				  {"role": "user", "content": "what time is it"},
				  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
				    "function": {"name": "get_current_time", "arguments": "{}"}}]},
				  {"role": "tool", "tool_call_id": "call_1", "content": "12:00 UTC"}
				], "stream": true}""";

		List<Choice> first = ask(body);
		List<Choice> second = ask(body);

		assertThat(first).singleElement().satisfies((choice) -> {
			assertThat(choice.content()).startsWith("The get_current_time tool answered: 12:00 UTC.");
			assertThat(choice.finishReason()).isEqualTo("stop");
		});
		assertThat(second).isEqualTo(first);
	}

	@Test
	void toolNotOfferedByTheRequestIsNotCalled() throws Exception {
		ObjectNode request = request(ChatJson.mapper().createArrayNode().add(ChatJson.mapper().createObjectNode()
			.put("role", "user").put("content", "What's the weather in Lisbon?")), true);
		request.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "search");

		Choice answer = ask(request).get(0);

		assertThat(answer.toolCalls()).isEmpty();
		assertThat(answer.finishReason()).isEqualTo("stop");
	}

	@ParameterizedTest(name = "stream: {0}")
	@ValueSource(booleans = { true, false })
	void nGivesThatManyChoicesEachWithItsOwnIndex(boolean stream) throws Exception {
		ObjectNode request = request(ChatJson.mapper().createArrayNode().add(ChatJson.mapper().createObjectNode()
			.put("role", "user").put("content", "Hello")), stream).put("n", 2);

		List<Choice> choices = ask(request);

		assertThat(choices).hasSize(2);
		assertThat(choices).allSatisfy((choice) -> {
			assertThat(choice.content()).startsWith("You said: \"Hello\".");
			assertThat(choice.finishReason()).isEqualTo("stop");
		});
		assertThat(choices.get(1).content()).isEqualTo(choices.get(0).content());
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "9", "\"two\"", "1.5" })
	void nTheDemoDoesNotServeIsAClearBadRequest(String n) throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post(COMPLETIONS,
				"{\"stream\": true, \"n\": " + n + ", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");

		assertThat(answer.status()).isEqualTo(400);
		JsonNode error = json(answer.body()).get("error");
		assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
		assertThat(error.get("param").asString()).isEqualTo("n");
		assertThat(error.get("message").asString()).contains("'n' must be an integer from 1 to 8");
		assertThat(error.has("code")).isTrue();
	}

	private static ObjectNode request(ArrayNode messages, boolean stream) {
		ObjectNode request = ChatJson.mapper().createObjectNode().put("model", "echo-demo").put("stream", stream);
		request.set("messages", messages.deepCopy());
		return request;
	}

	private static ArrayNode weatherTool() {
		ArrayNode tools = ChatJson.mapper().createArrayNode();
		ObjectNode function = tools.addObject().put("type", "function").putObject("function").put("name", "get_weather");
		function.putObject("parameters").put("type", "object").putObject("properties").putObject("location")
			.put("type", "string");
		return tools;
	}

	private List<Choice> ask(ObjectNode request) throws Exception {
		return ask(request.toString());
	}

	/** Sends a request and reads the choices back, from a stream's chunks as a client accumulates them. */
	private List<Choice> ask(String request) throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post(COMPLETIONS, request);
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		Map<Integer, Choice.Builder> choices = new LinkedHashMap<>();
		if (!json(request).path("stream").asBoolean()) {
			json(answer.body()).get("choices").forEach((choice) -> choices
				.computeIfAbsent(choice.get("index").asInt(), (index) -> new Choice.Builder())
				.message(choice));
		}
		else {
			List<SseEvent> events = answer.events();
			assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
			events.subList(0, events.size() - 1).forEach((event) -> json(event.data()).get("choices")
				.forEach((choice) -> choices
					.computeIfAbsent(choice.get("index").asInt(), (index) -> new Choice.Builder())
					.delta(choice)));
		}
		assertThat(choices.keySet()).as("choice indexes").containsExactlyElementsOf(
				java.util.stream.IntStream.range(0, choices.size()).boxed().toList());
		return choices.values().stream().map(Choice.Builder::build).toList();
	}

	record ToolCall(String id, String name, String arguments) {
	}

	record Choice(String content, List<ToolCall> toolCalls, String finishReason) {

		static final class Builder {

			private final StringBuilder content = new StringBuilder();

			private final Map<Integer, String[]> calls = new LinkedHashMap<>();

			private String finishReason = "";

			void delta(JsonNode choice) {
				this.content.append(choice.at("/delta/content").asString(""));
				choice.at("/delta/tool_calls").forEach((call) -> {
					String[] parts = this.calls.computeIfAbsent(call.get("index").asInt(),
							(index) -> new String[] { "", "", "" });
					parts[0] += call.path("id").asString("");
					parts[1] += call.at("/function/name").asString("");
					parts[2] += call.at("/function/arguments").asString("");
				});
				if (choice.hasNonNull("finish_reason")) {
					this.finishReason = choice.get("finish_reason").asString();
				}
			}

			void message(JsonNode choice) {
				this.content.append(choice.at("/message/content").asString(""));
				int index = 0;
				for (JsonNode call : choice.at("/message/tool_calls")) {
					this.calls.put(index++, new String[] { call.get("id").asString(),
							call.at("/function/name").asString(), call.at("/function/arguments").asString() });
				}
				this.finishReason = choice.get("finish_reason").asString();
			}

			Choice build() {
				return new Choice(this.content.toString(),
						this.calls.values().stream().map((parts) -> new ToolCall(parts[0], parts[1], parts[2])).toList(),
						this.finishReason);
			}

		}

	}

}
