package io.echo.llm.chat;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static io.echo.llm.chat.WireJson.chunk;
import static io.echo.llm.chat.WireJson.json;
import static io.echo.llm.chat.WireJson.read;
import static io.echo.llm.chat.WireJson.tree;
import static io.echo.llm.chat.WireJson.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the wire types read and write JSON through {@link ChatJson#mapper()}: nothing a provider sent is lost or changed.
 */
class ChatJsonTests {

	private static final String EVERY_LEVEL = "{'id':'c','object':'chat.completion.chunk','created':1,'model':'m',"
			+ "'x_groq':{'id':'req_1'},'choices':[{'index':0,'native_finish_reason':null,'delta':{'role':'assistant',"
			+ "'channel':'analysis','tool_calls':[{'index':0,'id':'t','type':'function','extra_t':1,"
			+ "'function':{'name':'f','arguments':'{}','extra_f':[1]}}]},'finish_reason':null,'logprobs':null}],"
			+ "'usage':{'prompt_tokens':1,'completion_tokens':2,'total_tokens':3,'cost':0.5,"
			+ "'prompt_tokens_details':{'cached_tokens':1}},'error':{'message':'x','code':400,'metadata':{'a':'b'}}}";

	@Test
	void unknownFieldsAtEveryLevelAreWrittenBack() {
		ChatCompletionChunk chunk = chunk(EVERY_LEVEL);
		assertThat(written(chunk)).isEqualTo(tree(EVERY_LEVEL));
	}

	@Test
	void unknownFieldsAtEveryLevelAreReadIntoExtra() {
		ChatCompletionChunk chunk = chunk(EVERY_LEVEL);
		ChunkChoice choice = chunk.choices().get(0);
		ToolCallDelta toolCall = choice.delta().toolCalls().get(0);
		assertThat(chunk.extra()).containsOnlyKeys("x_groq");
		assertThat(choice.extra()).containsKeys("native_finish_reason");
		assertThat(choice.delta().extra()).containsOnlyKeys("channel");
		assertThat(toolCall.extra()).containsOnlyKeys("extra_t");
		assertThat(toolCall.function().extra()).containsOnlyKeys("extra_f");
		assertThat(chunk.usage().extra()).containsOnlyKeys("cost");
		assertThat(chunk.error().extra()).containsKeys("metadata");
	}

	@Test
	void modelledFieldsAreTyped() {
		ChatCompletionChunk chunk = chunk(EVERY_LEVEL);
		assertThat(chunk.id()).isEqualTo("c");
		assertThat(chunk.created()).isEqualTo(1L);
		assertThat(chunk.choices().get(0).delta().toolCalls().get(0).name()).isEqualTo("f");
		assertThat(chunk.usage().totalTokens()).isEqualTo(3);
		assertThat(chunk.usage().cachedTokens()).isEqualTo(1);
	}

	@Test
	void explicitNullIsWrittenBackAndAbsentStaysAbsent() {
		String json = "{'choices':[{'index':0,'delta':{'content':null},'finish_reason':null}],'usage':null}";
		assertThat(written(chunk(json))).isEqualTo(tree(json));
	}

	@Test
	void numericErrorCodeReadsAsTextAndIsWrittenBackAsNumber() {
		ApiError error = read("{'code':400,'message':'Token limit reached'}", ApiError.class);
		assertThat(error.code()).isEqualTo("400");
		assertThat(written(error)).isEqualTo(tree("{'code':400,'message':'Token limit reached'}"));
	}

	@Test
	void changedValueIsWrittenInsteadOfTheOriginal() {
		ApiError read = read("{'code':400,'message':'m'}", ApiError.class);
		ApiError changed = new ApiError(read.message(), read.type(), read.param(), "429", read.statusCode(),
				read.extra());
		assertThat(written(changed)).isEqualTo(tree("{'code':'429','message':'m'}"));
	}

	@Test
	void wholeNumberForADecimalIsWrittenBackAsItCame() {
		String json = "{'temperature':1,'top_p':0.5}";
		ChatCompletionRequest request = read(json, ChatCompletionRequest.class);
		assertThat(request.temperature()).isEqualTo(1.0);
		assertThat(written(request)).isEqualTo(tree(json));
	}

	@Test
	void valueOfAnUnexpectedTypeIsKeptAsItCame() {
		String json = "{'choices':[{'index':'0','delta':{'content':{'odd':true},'role':7}}]}";
		ChatCompletionChunk chunk = chunk(json);
		Delta delta = chunk.choices().get(0).delta();
		assertThat(delta.content()).isNull();
		assertThat(delta.text()).isEmpty();
		assertThat(written(chunk)).isEqualTo(tree(json));
	}

	@Test
	void fieldSentTwiceTakesItsLastValueAndIsWrittenBackOnce() {
		// As Jackson binds typed fields: the last one wins. The first, inexact value must not stay behind in extra.
		String json = "{'id':'c','model':1782862782,'model':'glm-4.7','choices':[{'index':0,'index':1,"
				+ "'delta':{'content':7,'content':'a'}},{'index':2,'delta':{'role':'assistant'},'delta':'x'}]}";
		ChatCompletionChunk chunk = chunk(json);
		assertThat(chunk.model()).isEqualTo("glm-4.7");
		assertThat(chunk.extra()).isEmpty();
		assertThat(chunk.choices().get(0).index()).isEqualTo(1);
		assertThat(chunk.choices().get(0).delta().extra()).isEmpty();
		assertThat(chunk.choices().get(1).delta()).isNull();
		assertThat(written(chunk)).isEqualTo(tree("{'id':'c','model':'glm-4.7','choices':[{'index':1,"
				+ "'delta':{'content':'a'}},{'index':2,'delta':'x'}]}"));
		assertThat(chunk(written(chunk).toString())).isEqualTo(chunk);
		assertThat(ChatJson.mapper().treeToValue(tree(json), ChatCompletionChunk.class)).isEqualTo(chunk);
	}

	@Test
	void contentPartsInADeltaAreWrittenBack() {
		String json = "{'choices':[{'index':0,'delta':{'content':[{'type':'thinking','thinking':[{'type':'text',"
				+ "'text':'Okay'}]}]}}]}";
		ChatCompletionChunk chunk = chunk(json);
		assertThat(chunk.text()).isEmpty();
		assertThat(written(chunk)).isEqualTo(tree(json));
	}

	@Test
	void chunkThatIsNotAnObjectIsRejected() {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> ChatJson.mapper().readValue(json("[1,2]"), ChatCompletionChunk.class))
			.withMessageContaining("ChatCompletionChunk");
	}

	@Test
	void returnedNodesAreCopies() {
		Usage usage = read("{'prompt_tokens_details':{'cached_tokens':1}}", Usage.class);
		((ObjectNode) usage.promptTokensDetails()).put("cached_tokens", 99);
		assertThat(usage.cachedTokens()).isEqualTo(1);
	}

	@Test
	void chunkBoundFromATreeEqualsChunkReadFromText() {
		ChatCompletionChunk fromTree = ChatJson.mapper().treeToValue(tree(EVERY_LEVEL), ChatCompletionChunk.class);
		assertThat(fromTree).isEqualTo(chunk(EVERY_LEVEL));
	}

	@Test
	void chunkBoundFromATreeSharesNoNodeWithIt() {
		JsonNode tree = tree(EVERY_LEVEL);
		ChatCompletionChunk chunk = ChatJson.mapper().treeToValue(tree, ChatCompletionChunk.class);
		((ObjectNode) tree.get("x_groq")).put("id", "changed");
		((ObjectNode) tree.get("usage").get("prompt_tokens_details")).put("cached_tokens", 99);
		assertThat(written(chunk)).isEqualTo(tree(EVERY_LEVEL));
	}

	@Test
	void recordsInsideABoundTreeAreReadWhole() {
		JsonNode tree = tree("[{'index':0,'delta':{'content':'a'},'x':1},{'index':1,'finish_reason':'stop'}]");
		ChunkChoice[] choices = ChatJson.mapper().treeToValue(tree, ChunkChoice[].class);
		assertThat(choices).extracting(ChunkChoice::index).containsExactly(0, 1);
		assertThat(choices[0].delta().text()).isEqualTo("a");
		assertThat(choices[0].extra()).containsOnlyKeys("x");
		assertThat(choices[1].finishReason()).isEqualTo("stop");
	}

	@Test
	void responseIsReadWhole() {
		ChatCompletionResponse response = read("{'id':'r','object':'chat.completion','choices':[{'index':0,"
				+ "'message':{'role':'assistant','content':'Hi','refusal':null},'logprobs':null,"
				+ "'finish_reason':'stop'}],'usage':{'prompt_tokens':1,'completion_tokens':1,'total_tokens':2},"
				+ "'service_tier':'default'}", ChatCompletionResponse.class);
		assertThat(response.text()).isEqualTo("Hi");
		assertThat(response.choices().get(0).finishReason()).isEqualTo("stop");
		assertThat(response.usage().totalTokens()).isEqualTo(2);
		assertThat(response.extra()).containsOnlyKeys("service_tier");
	}

}
