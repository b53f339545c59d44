package io.echo.llm.chat;

import java.util.List;

import org.junit.jupiter.api.Test;

import static io.echo.llm.chat.WireJson.chunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Edge cases of {@link ChatCompletionAccumulator} seen in providers' streams.
 */
class ChatCompletionAccumulatorTests {

	private final ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();

	@Test
	void contentPiecesAreJoinedInOrder() {
		add("{'id':'c1','model':'m','choices':[{'index':0,'delta':{'role':'assistant','content':''}}]}",
				delta("{'content':'Hel'}"),
				"{'choices':[{'index':0,'delta':{'content':'lo'},'finish_reason':'stop'}]}");
		ChatCompletionResponse response = this.accumulator.result();
		assertThat(response.text()).isEqualTo("Hello");
		assertThat(response.id()).isEqualTo("c1");
		assertThat(response.model()).isEqualTo("m");
		assertThat(response.choices()).singleElement().satisfies((choice) -> {
			assertThat(choice.message().role()).isEqualTo("assistant");
			assertThat(choice.finishReason()).isEqualTo("stop");
		});
	}

	@Test
	void emptyIdOfAFirstPromptFilterChunkIsReplacedByTheFirstRealOne() {
		add("{'id':'','model':'','choices':[],'prompt_filter_results':[]}",
				"{'id':'chatcmpl-1','model':'gpt-4o','choices':[{'index':0,'delta':{'content':'x'}}]}");
		assertThat(this.accumulator.result().id()).isEqualTo("chatcmpl-1");
		assertThat(this.accumulator.result().model()).isEqualTo("gpt-4o");
	}

	@Test
	void toolCallPiecesAreMergedByIndex() {
		add("{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
				+ "'function':{'name':'get_capital','arguments':''}}]}}]}",
				toolCalls("{'index':0,'function':{'arguments':'{\\'country'}}"),
				toolCalls("{'index':0,'function':{'arguments':'\\':\\'UK\\'}'}}"));
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::type, ToolCall::name, ToolCall::arguments)
			.containsExactly(tuple("call_1", "function", "get_capital", "{\"country\":\"UK\"}"));
	}

	@Test
	void parallelToolCallsKeepTheirOwnArguments() {
		add(toolCalls("{'index':0,'id':'a','function':{'name':'f','arguments':'1'}},"
				+ "{'index':1,'id':'b','function':{'name':'g','arguments':'2'}}"),
				toolCalls("{'index':1,'function':{'arguments':'3'}}"),
				toolCalls("{'index':0,'function':{'arguments':'4'}}"));
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::arguments)
			.containsExactly(tuple("a", "14"), tuple("b", "23"));
	}

	@Test
	void wholeToolCallsWithoutIndexAreAppendedAsNewCalls() {
		add(toolCalls("{'id':'nqjf8Hqe1','function':{'name':'plus','arguments':'{}'}},"
				+ "{'id':'ATcpCKul3','function':{'name':'minus','arguments':'[]'}}"),
				toolCalls("{'id':'x3','function':{'name':'times','arguments':'0'}}"));
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::name, ToolCall::arguments)
			.containsExactly(tuple("nqjf8Hqe1", "plus", "{}"), tuple("ATcpCKul3", "minus", "[]"),
					tuple("x3", "times", "0"));
	}

	@Test
	void toolCallPieceWithoutIndexIdOrNameContinuesTheLastCall() {
		add(toolCalls("{'id':'c','function':{'name':'f','arguments':'{\\'a\\''}}"),
				toolCalls("{'function':{'arguments':':1}'}}"));
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::arguments).containsExactly(tuple("c", "{\"a\":1}"));
	}

	@Test
	void emptyStringIdTypeAndNameOnFollowUpPiecesCountAsAbsent() {
		add("{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
				+ "'function':{'name':'lookup','arguments':'{'}}]}}]}",
				"{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'','type':'',"
						+ "'function':{'name':'','arguments':'}'}}]}}]}");
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::type, ToolCall::name, ToolCall::arguments)
			.containsExactly(tuple("call_1", "function", "lookup", "{}"));
	}

	@Test
	void nameRepeatedOnEveryPieceIsSetOnceNotAppended() {
		add(toolCalls("{'index':0,'id':'c','function':{'name':'f','arguments':'['}}"),
				toolCalls("{'index':0,'function':{'name':'f','arguments':']'}}"));
		assertThat(toolCalls()).extracting(ToolCall::name, ToolCall::arguments).containsExactly(tuple("f", "[]"));
	}

	@Test
	void toolCallWithoutTypeIsAFunctionCall() {
		add(toolCalls("{'id':'c','function':{'name':'f','arguments':'{}'}}"));
		assertThat(toolCalls()).extracting(ToolCall::type).containsExactly("function");
	}

	@Test
	void differentIdsAtTheSameIndexAreSeparateCalls() {
		add(toolCalls("{'index':0,'id':'a','function':{'name':'f','arguments':'1'}}"),
				toolCalls("{'index':0,'id':'b','function':{'name':'g','arguments':'2'}}"));
		assertThat(toolCalls()).extracting(ToolCall::id, ToolCall::name, ToolCall::arguments)
			.containsExactly(tuple("a", "f", "1"), tuple("b", "g", "2"));
	}

	@Test
	void usageOnAChunkThatAlsoHasContentIsKept() {
		add("{'choices':[{'index':0,'delta':{'content':'hi'},'finish_reason':'stop'}],"
				+ "'usage':{'prompt_tokens':3,'completion_tokens':1,'total_tokens':4}}");
		ChatCompletionResponse response = this.accumulator.result();
		assertThat(response.text()).isEqualTo("hi");
		assertThat(response.usage()).isNotNull();
		assertThat(response.usage().totalTokens()).isEqualTo(4);
	}

	@Test
	void laterUsageReplacesEarlierUsage() {
		add("{'choices':[{'index':0,'delta':{'content':'a'}}],"
				+ "'usage':{'prompt_tokens':3,'completion_tokens':1,'total_tokens':4}}",
				"{'choices':[{'index':0,'delta':{'content':'b'}}],'usage':null}",
				"{'choices':[],'usage':{'prompt_tokens':3,'completion_tokens':2,'total_tokens':5,"
						+ "'completion_tokens_details':{'reasoning_tokens':1}}}");
		Usage usage = this.accumulator.result().usage();
		assertThat(usage).isNotNull();
		assertThat(usage.completionTokens()).isEqualTo(2);
		assertThat(usage.reasoningTokens()).isEqualTo(1);
	}

	@Test
	void contentArrayPartsAddTheirTextOnly() {
		add(delta("{'content':[{'type':'thinking','thinking':[{'type':'text','text':'hmm'}]}]}"),
				delta("{'content':[{'type':'text','text':'An'},{'type':'text','text':'swer'}]}"),
				delta("{'content':'!'}"));
		assertThat(this.accumulator.result().text()).isEqualTo("Answer!");
	}

	@Test
	void choicesOfSeveralIndexesAreKeptApartAndOrdered() {
		add("{'choices':[{'index':1,'delta':{'role':'assistant','content':'B'}},"
				+ "{'index':0,'delta':{'role':'assistant','content':'A'}}]}",
				"{'choices':[{'index':0,'delta':{'content':'a'},'finish_reason':'stop'}]}",
				"{'choices':[{'index':1,'delta':{'content':'b'},'finish_reason':'length'}]}");
		assertThat(this.accumulator.result().choices()).extracting(Choice::index, (choice) -> choice.message().text(),
				Choice::finishReason)
			.containsExactly(tuple(0, "Aa", "stop"), tuple(1, "Bb", "length"));
	}

	@Test
	void reasoningFromEitherFieldIsJoined() {
		add(delta("{'reasoning_content':'Let me '}"),
				delta("{'reasoning':'think.','channel':'analysis'}"),
				delta("{'reasoning_content':'','reasoning':'','content':'4'}"));
		ChatMessage message = this.accumulator.result().choices().get(0).message();
		assertThat(message.reasoningText()).isEqualTo("Let me think.");
		assertThat(message.text()).isEqualTo("4");
	}

	@Test
	void reasoningSentInBothFieldsCountsOnce() {
		add(delta("{'reasoning_content':'Hm','reasoning':'Hm'}"));
		assertThat(this.accumulator.result().choices().get(0).message().reasoningText()).isEqualTo("Hm");
	}

	@Test
	void refusalPiecesAreJoined() {
		add(delta("{'refusal':'I can'}"), delta("{'refusal':'not.'}"));
		assertThat(this.accumulator.result().choices().get(0).message().refusal()).isEqualTo("I cannot.");
	}

	@Test
	void lastFinishReasonOfAChoiceWins() {
		add("{'choices':[{'index':0,'delta':{},'finish_reason':'length'}]}",
				"{'choices':[{'index':0,'delta':{},'finish_reason':null}]}",
				"{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}");
		assertThat(this.accumulator.result().choices()).extracting(Choice::finishReason).containsExactly("stop");
	}

	@Test
	void errorObjectsAreCollectedInOrderAlongsideContent() {
		add(delta("{'content':'partial'}"),
				"{'error':{'code':400,'message':'Token limit reached'},'choices':[{'index':0,'delta':{'content':''}}]}",
				"{'error':{'message':'later','type':'server_error','code':'tool_use_failed','status_code':500}}");
		assertThat(this.accumulator.errors()).extracting(ApiError::message, ApiError::code, ApiError::statusCode)
			.containsExactly(tuple("Token limit reached", "400", null), tuple("later", "tool_use_failed", 500));
		assertThat(this.accumulator.result().text()).isEqualTo("partial");
	}

	@Test
	void toolCallOnlyMessageHasNoContent() {
		add(delta("{'role':'assistant','content':''}"),
				"{'choices':[{'index':0,'delta':{'tool_calls':[{'id':'c','function':{'name':'f','arguments':'{}'}}]},"
						+ "'finish_reason':'tool_calls'}]}");
		ChatMessage message = this.accumulator.result().choices().get(0).message();
		assertThat(message.content()).isNull();
		assertThat(WireJson.written(message)).isEqualTo(WireJson.tree("{'role':'assistant','tool_calls':[{'id':'c',"
				+ "'type':'function','function':{'name':'f','arguments':'{}'}}]}"));
	}

	@Test
	void resultWithoutChunksHasNoChoices() {
		ChatCompletionResponse response = this.accumulator.result();
		assertThat(response.choices()).isEmpty();
		assertThat(response.usage()).isNull();
		assertThat(response.text()).isEmpty();
		assertThat(this.accumulator.errors()).isEmpty();
	}

	@Test
	void resultCanBeTakenMidStream() {
		add(delta("{'content':'a'}"));
		assertThat(this.accumulator.result().text()).isEqualTo("a");
		add(delta("{'content':'b'}"));
		assertThat(this.accumulator.result().text()).isEqualTo("ab");
	}

	private static String delta(String delta) {
		return "{'choices':[{'index':0,'delta':" + delta + "}]}";
	}

	private static String toolCalls(String toolCalls) {
		return delta("{'tool_calls':[" + toolCalls + "]}");
	}

	private void add(String... chunks) {
		for (String chunk : chunks) {
			this.accumulator.add(chunk(chunk));
		}
	}

	private List<ToolCall> toolCalls() {
		return this.accumulator.result().choices().get(0).message().toolCalls();
	}

}
