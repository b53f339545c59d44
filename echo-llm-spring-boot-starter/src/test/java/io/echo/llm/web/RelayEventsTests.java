package io.echo.llm.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.echo.llm.LlmApiException;
import io.echo.llm.LlmException;
import io.echo.llm.LlmInvalidResponseException;
import io.echo.llm.LlmNetworkException;
import io.echo.llm.LlmStreamErrorException;
import io.echo.llm.LlmTimeoutException;
import io.echo.llm.LlmTruncatedStreamException;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.core.task.TaskRejectedException;

import static org.assertj.core.api.Assertions.assertThat;

class RelayEventsTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			role only              | {"role":"assistant","content":""}                 | -
			text                   | {"content":"Hi"}                                  | token={"text":"Hi"}
			reasoning_content      | {"reasoning_content":"Hmm"}                       | reasoning={"text":"Hmm"}
			reasoning then text    | {"reasoning_content":"Hmm","content":"Hi"}        | reasoning={"text":"Hmm"};token={"text":"Hi"}
			refusal                | {"refusal":"I can't"}                             | token={"text":"I can't"}
			tool call start        | {"tool_calls":[{"index":1,"id":"call_9","type":"function","function":{"name":"f","arguments":""}}]} | tool_call={"index":1,"id":"call_9","name":"f","arguments":""}
			tool call arguments    | {"tool_calls":[{"index":1,"function":{"arguments":"{\\"a\\":1}"}}]} | tool_call={"index":1,"id":null,"name":null,"arguments":"{\\"a\\":1}"}
			""")
	void browserEventsForOneDelta(String description, String delta, String expected) {
		RelayEvents events = RelayEvents.of(RelayFormat.BROWSER);
		List<RelayEvent> produced = events.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}"));
		assertThat(produced).containsExactlyElementsOf(parse(expected));
	}

	@Test
	void browserUsageAndFinishReason() {
		RelayEvents events = RelayEvents.of(RelayFormat.BROWSER);
		assertThat(events.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}")))
			.isEmpty();
		assertThat(events.chunk(
				chunk("{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")))
			.containsExactly(
					new RelayEvent("usage", "{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}"));
		assertThat(events.done()).isEqualTo(new RelayEvent("done", "{\"finish_reason\":\"length\"}"));
	}

	@Test
	void browserDoneWithoutAFinishReason() {
		assertThat(RelayEvents.of(RelayFormat.BROWSER).done())
			.isEqualTo(new RelayEvent("done", "{\"finish_reason\":null}"));
	}

	@Test
	void openAiEventIsTheChunkAsJson() {
		String json = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
		List<RelayEvent> produced = RelayEvents.of(RelayFormat.OPENAI).chunk(chunk(json));
		assertThat(produced).hasSize(1);
		assertThat(produced.get(0).name()).isNull();
		JsonNode relayed = ChatJson.mapper().readTree(produced.get(0).data());
		assertThat(relayed.path("id").asString()).isEqualTo("c1");
		assertThat(relayed.path("model").asString()).isEqualTo("m");
		assertThat(relayed.path("choices").path(0).path("delta").path("content").asString()).isEqualTo("Hi");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			no stream_options                 | {"model":"m","messages":[]}                                              | 0 | 1
			include_usage false               | {"model":"m","messages":[],"stream_options":{"include_usage":false}}     | 0 | 1
			include_usage true                | {"model":"m","messages":[],"stream_options":{"include_usage":true}}      | 1 | 1
			""")
	void openAiUsageOnlyChunkGoesOnlyToClientsThatAskedForIt(String name, String request, int usageOnly,
			int usageWithChoices) {
		ChatCompletionRequest asked = ChatJson.mapper().readValue(request, ChatCompletionRequest.class);
		RelayEvents events = RelayEvents.of(RelayFormat.OPENAI, asked);
		assertThat(events.chunk(chunk("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
				+ "\"completion_tokens\":2,\"total_tokens\":3}}"))).hasSize(usageOnly);
		// Usage riding on a chunk with choices is how some providers always send it: it goes through.
		assertThat(events.chunk(chunk("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
				+ "\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")))
			.hasSize(usageWithChoices);
		// A chunk with no choices and no usage (Azure's prompt filter results) is the provider's, not ours to drop.
		assertThat(events.chunk(chunk("{\"id\":\"\",\"choices\":[],\"prompt_filter_results\":[]}"))).hasSize(1);
	}

	@Test
	void openAiDone() {
		assertThat(RelayEvents.of(RelayFormat.OPENAI).done()).isEqualTo(new RelayEvent(null, "[DONE]"));
	}

	static List<Object[]> failures() {
		return List.of(
				new Object[] { new LlmApiException(401, "invalid_api_key", "Incorrect API key provided: sk-abc", null),
						"{\"status\":401,\"code\":\"invalid_api_key\",\"message\":\"The LLM provider answered HTTP 401\"}" },
				new Object[] { new LlmApiException(302, null, "", null),
						"{\"status\":502,\"code\":\"upstream_status_302\",\"message\":\"The LLM provider answered HTTP 302, which the relay does not follow\"}" },
				new Object[] { new LlmApiException(500, null, "boom", Duration.ofSeconds(1)),
						"{\"status\":500,\"code\":\"api_error\",\"message\":\"The LLM provider answered HTTP 500\"}" },
				new Object[] { new LlmTimeoutException(LlmTimeoutException.Kind.IDLE, Duration.ofSeconds(60)),
						"{\"status\":0,\"code\":\"idle_timeout\",\"message\":\"LLM stream idle timeout after 60000 ms\"}" },
				new Object[] { new LlmStreamErrorException("server_error", "secret prompt echoed", 0),
						"{\"status\":0,\"code\":\"server_error\",\"message\":\"The LLM provider reported an error during the stream\"}" },
				new Object[] { new LlmNetworkException("Connection refused to 10.0.0.1", null),
						"{\"status\":0,\"code\":\"network_error\",\"message\":\"The LLM provider could not be reached\"}" },
				new Object[] { new LlmTruncatedStreamException("ended early"),
						"{\"status\":0,\"code\":\"truncated_stream\",\"message\":\"The LLM stream ended before it was complete\"}" },
				new Object[] { new LlmInvalidResponseException("not json: <html>", null),
						"{\"status\":0,\"code\":\"invalid_response\",\"message\":\"The LLM provider sent a response that could not be read\"}" },
				new Object[] { new LlmException("odd"),
						"{\"status\":0,\"code\":\"llm_error\",\"message\":\"The LLM call failed\"}" },
				new Object[] { new TaskRejectedException("Executor [pool of 1] did not accept task"),
						"{\"status\":503,\"code\":\"relay_busy\",\"message\":\"Too many replies in progress; try again shortly\"}" },
				new Object[] { new IllegalStateException("bug with secret"),
						"{\"status\":500,\"code\":\"internal_error\",\"message\":\"The relay failed\"}" });
	}

	@ParameterizedTest
	@MethodSource("failures")
	void browserErrorIsStatusCodeAndASafeMessage(Throwable failure, String expected) {
		assertThat(RelayEvents.of(RelayFormat.BROWSER).error(failure)).isEqualTo(new RelayEvent("error", expected));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void openAiErrorWrapsTheSameInAnOpenAiErrorObject(Throwable failure, String expected) {
		RelayEvent event = RelayEvents.of(RelayFormat.OPENAI).error(failure);
		int status = ChatJson.mapper().readTree(expected).get("status").asInt();
		String type = switch (status) {
			case 401 -> "authentication_error";
			default -> "api_error";
		};
		String openAi = expected.substring(0, expected.length() - 1) + ",\"type\":\"" + type + "\",\"param\":null}";
		assertThat(event).isEqualTo(new RelayEvent("error", "{\"error\":" + openAi + "}"));
	}

	@Test
	void sseTextOfAnEvent() {
		assertThat(new RelayEvent("token", "{\"text\":\"a\"}").toSse(null))
			.isEqualTo("event: token\ndata: {\"text\":\"a\"}\n\n");
		assertThat(new RelayEvent(null, "[DONE]").toSse("s1:7")).isEqualTo("id: s1:7\ndata: [DONE]\n\n");
	}

	private static ChatCompletionChunk chunk(String json) {
		return ChatJson.mapper().readValue(json, ChatCompletionChunk.class);
	}

	/** {@code name=data;name=data}, or {@code -} for none. */
	private static List<RelayEvent> parse(String expected) {
		List<RelayEvent> events = new ArrayList<>();
		if (!expected.equals("-")) {
			for (String event : expected.split(";")) {
				int equals = event.indexOf('=');
				events.add(new RelayEvent(event.substring(0, equals), event.substring(equals + 1)));
			}
		}
		return events;
	}

}
