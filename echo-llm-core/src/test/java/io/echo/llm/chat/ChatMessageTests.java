package io.echo.llm.chat;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

import static io.echo.llm.chat.WireJson.json;
import static io.echo.llm.chat.WireJson.read;
import static io.echo.llm.chat.WireJson.tree;
import static io.echo.llm.chat.WireJson.written;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The messages {@link ChatMessage}'s factories build and how their content reads.
 */
class ChatMessageTests {

	@Test
	void toStringNeverPrintsThePrompt() {
		ChatMessage message = ChatMessage.user("my secret plan");
		assertThat(message.toString()).doesNotContain("secret").contains("role=user").contains("text=14 chars");
		assertThat(ChatCompletionRequest.builder().model("m").messages(List.of(message)).build().toString())
			.doesNotContain("secret");
	}

	@Test
	void factoriesWriteRoleAndStringContent() {
		assertThat(written(ChatMessage.system("s"))).isEqualTo(tree("{'role':'system','content':'s'}"));
		assertThat(written(ChatMessage.user("u"))).isEqualTo(tree("{'role':'user','content':'u'}"));
		assertThat(written(ChatMessage.assistant("a"))).isEqualTo(tree("{'role':'assistant','content':'a'}"));
	}

	@Test
	void toolMessageNamesTheCallItAnswers() {
		assertThat(written(ChatMessage.tool("call_1", "{\"temp\":20}")))
			.isEqualTo(tree("{'role':'tool','content':'{\\'temp\\':20}','tool_call_id':'call_1'}"));
	}

	@Test
	void assistantToolCallsAreWrittenWithoutContent() {
		ChatMessage message = ChatMessage.assistant(List.of(ToolCall.function("call_1", "f", "{}")));
		assertThat(written(message)).isEqualTo(tree("{'role':'assistant','tool_calls':[{'id':'call_1',"
				+ "'type':'function','function':{'name':'f','arguments':'{}'}}]}"));
	}

	@Test
	void userMessageWithPartsIsWrittenAsAnArray() {
		ChatMessage message = ChatMessage.user(List.of(ContentPart.text("What is this?"),
				ContentPart.imageUrl("https://example.com/a.png")));
		assertThat(written(message)).isEqualTo(tree("{'role':'user','content':[{'type':'text','text':'What is this?'},"
				+ "{'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]}"));
		assertThat(message.text()).isEqualTo("What is this?");
	}

	@Test
	void textOfPartsJoinsOnlyTextParts() {
		ChatMessage message = read("{'role':'assistant','content':[{'type':'text','text':'a'},"
				+ "{'type':'thinking','thinking':[{'type':'text','text':'no'}]},{'type':'text','text':'b'}]}",
				ChatMessage.class);
		assertThat(message.text()).isEqualTo("ab");
		assertThat(message.content()).isInstanceOfSatisfying(MessageContent.Parts.class,
				(parts) -> assertThat(parts.parts()).extracting(ContentPart::type)
					.containsExactly("text", "thinking", "text"));
	}

	@Test
	void messageWithoutContentHasEmptyText() {
		ChatMessage message = read("{'role':'assistant','content':null}", ChatMessage.class);
		assertThat(message.content()).isNull();
		assertThat(message.text()).isEmpty();
		assertThat(written(message)).isEqualTo(tree("{'role':'assistant','content':null}"));
	}

	@Test
	void reasoningComesFromEitherField() {
		assertThat(read("{'reasoning_content':'a'}", ChatMessage.class).reasoningText()).isEqualTo("a");
		assertThat(read("{'reasoning':'b'}", ChatMessage.class).reasoningText()).isEqualTo("b");
		assertThat(read("{}", ChatMessage.class).reasoningText()).isEmpty();
	}

	@Test
	void contentIsReadAndWrittenAsAStringOrAnArray() {
		MessageContent text = ChatJson.mapper().readValue(json("'hi'"), MessageContent.class);
		MessageContent parts = ChatJson.mapper().readValue(json("[{'type':'text','text':'hi'}]"), MessageContent.class);
		assertThat(text).isEqualTo(MessageContent.of("hi"));
		assertThat(parts).isEqualTo(MessageContent.of(List.of(ContentPart.text("hi"))));
		assertThat(written(text)).isEqualTo(tree("'hi'"));
		assertThat(written(parts)).isEqualTo(tree("[{'type':'text','text':'hi'}]"));
	}

	@Test
	void listOfMessagesIsReadThroughTheMapper() {
		List<ChatMessage> messages = ChatJson.mapper()
			.readValue(json("[{'role':'user','content':'a'},{'role':'assistant','content':'b'}]"),
					new TypeReference<List<ChatMessage>>() {
					});
		assertThat(messages).containsExactly(ChatMessage.user("a"), ChatMessage.assistant("b"));
	}

}
