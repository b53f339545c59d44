package io.echo.llm.chat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static io.echo.llm.chat.WireJson.read;
import static io.echo.llm.chat.WireJson.tree;
import static io.echo.llm.chat.WireJson.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link ChatCompletionRequest} and its builder put on the wire.
 */
class ChatCompletionRequestTests {

	@Test
	void builderWritesTheFieldsThatAreSetInSnakeCase() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.model("gpt-4o-mini")
			.message(ChatMessage.system("Be terse."))
			.message(ChatMessage.user("Weather?"))
			.temperature(0.2)
			.topP(0.9)
			.maxTokens(100)
			.maxCompletionTokens(200)
			.stop("END", "STOP")
			.seed(7L)
			.n(2)
			.user("u-1")
			.tools(List.of(Tool.function("get_weather", "Weather of a city", tree("{'type':'object'}"))))
			.toolChoice("auto")
			.parallelToolCalls(false)
			.responseFormat(ResponseFormat.jsonObject())
			.reasoningEffort("low")
			.build();
		assertThat(written(request)).isEqualTo(tree("{'model':'gpt-4o-mini','messages':[{'role':'system',"
				+ "'content':'Be terse.'},{'role':'user','content':'Weather?'}],'temperature':0.2,'top_p':0.9,"
				+ "'max_tokens':100,'max_completion_tokens':200,'stop':['END','STOP'],'seed':7,'n':2,'user':'u-1',"
				+ "'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather of a city',"
				+ "'parameters':{'type':'object'}}}],'tool_choice':'auto','parallel_tool_calls':false,"
				+ "'response_format':{'type':'json_object'},'reasoning_effort':'low'}"));
	}

	@Test
	void extraFieldsAreSentAsGiven() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.model("m")
			.extra("provider", Map.of("order", List.of("groq")))
			.extra("top_k", 40)
			.build();
		assertThat(written(request))
			.isEqualTo(tree("{'model':'m','messages':[],'provider':{'order':['groq']},'top_k':40}"));
	}

	@Test
	void withStreamTrueAsksForUsage() {
		ChatCompletionRequest request = ChatCompletionRequest.builder().model("m").build().withStream(true);
		assertThat(request.stream()).isTrue();
		assertThat(written(request))
			.isEqualTo(tree("{'model':'m','messages':[],'stream':true,'stream_options':{'include_usage':true}}"));
	}

	@Test
	void withStreamTrueKeepsStreamOptionsAlreadySet() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.streamOptions(new StreamOptions(false, Map.of()))
			.build()
			.withStream(true);
		assertThat(request.streamOptions()).isEqualTo(new StreamOptions(false, Map.of()));
	}

	@Test
	void withStreamFalseDropsStreamOptions() {
		ChatCompletionRequest request = ChatCompletionRequest.builder().model("m").build().withStream(true)
			.withStream(false);
		assertThat(written(request)).isEqualTo(tree("{'model':'m','messages':[],'stream':false}"));
	}

	@Test
	void withModelChangesOnlyTheModel() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.model("a")
			.message(ChatMessage.user("hi"))
			.temperature(1.0)
			.extra("x", "y")
			.build();
		assertThat(request.withModel("b"))
			.isEqualTo(ChatCompletionRequest.builder().model("b").message(ChatMessage.user("hi")).temperature(1.0)
				.extra("x", "y").build());
		assertThat(request.model()).isEqualTo("a");
	}

	@Test
	void toBuilderKeepsFieldsReadFromJson() {
		ChatCompletionRequest read = read("{'model':'m','messages':[{'role':'user','content':'hi','cache':true}],"
				+ "'provider':{'sort':'price'},'stop':'END','temperature':1}", ChatCompletionRequest.class);
		ChatCompletionRequest changed = read.toBuilder().model("n").build();
		assertThat(written(changed)).isEqualTo(tree("{'model':'n','messages':[{'role':'user','content':'hi',"
				+ "'cache':true}],'provider':{'sort':'price'},'stop':'END','temperature':1}"));
	}

	@Test
	void stopReadAsOneStringIsAListOfOne() {
		ChatCompletionRequest read = read("{'stop':'END'}", ChatCompletionRequest.class);
		assertThat(read.stop()).containsExactly("END");
		assertThat(written(read.toBuilder().stop("A").build())).isEqualTo(tree("{'messages':[],'stop':['A']}"));
	}

	@Test
	void toolChoiceNamingAFunctionIsWrittenAsAnObject() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.toolChoice(tree("{'type':'function','function':{'name':'f'}}"))
			.build();
		assertThat(written(request).get("tool_choice")).isEqualTo(tree("{'type':'function','function':{'name':'f'}}"));
	}

	@Test
	void builtRequestDoesNotChangeWhenTheBuilderGoesOn() {
		ChatCompletionRequest.Builder builder = ChatCompletionRequest.builder().message(ChatMessage.user("a"));
		ChatCompletionRequest first = builder.build();
		builder.message(ChatMessage.user("b")).extra("x", 1);
		assertThat(first.messages()).hasSize(1);
		assertThat(first.extra()).isEmpty();
		assertThat(builder.build().messages()).hasSize(2);
	}

	@Test
	void messagesCannotBeModified() {
		ChatCompletionRequest request = ChatCompletionRequest.builder().message(ChatMessage.user("a")).build();
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> request.messages().add(ChatMessage.user("b")));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> request.extra().put("x", tree("1")));
	}

	@Test
	void toolChoiceReturnedIsACopy() {
		ChatCompletionRequest request = ChatCompletionRequest.builder()
			.toolChoice(tree("{'type':'function','function':{'name':'f'}}"))
			.build();
		((ObjectNode) request.toolChoice()).put("type", "changed");
		assertThat(request.toolChoice().get("type").stringValue()).isEqualTo("function");
	}

}
