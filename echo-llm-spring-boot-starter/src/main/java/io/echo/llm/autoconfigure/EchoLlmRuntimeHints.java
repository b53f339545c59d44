package io.echo.llm.autoconfigure;

import java.util.List;

import io.echo.llm.chat.ApiError;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.ChatMessage;
import io.echo.llm.chat.Choice;
import io.echo.llm.chat.ChunkChoice;
import io.echo.llm.chat.ContentPart;
import io.echo.llm.chat.Delta;
import io.echo.llm.chat.FunctionCall;
import io.echo.llm.chat.FunctionDefinition;
import io.echo.llm.chat.ImageUrl;
import io.echo.llm.chat.MessageContent;
import io.echo.llm.chat.ResponseFormat;
import io.echo.llm.chat.StreamOptions;
import io.echo.llm.chat.Tool;
import io.echo.llm.chat.ToolCall;
import io.echo.llm.chat.ToolCallDelta;
import io.echo.llm.chat.Usage;
import io.echo.llm.web.RelayEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * Runtime hints for a native image (and checked by AOT tests): everything echo-llm reads or writes reflectively.
 * <ul>
 * <li>The wire records of {@code io.echo.llm.chat}: their codec finds each record's components, calls its canonical
 * constructor and reads its {@code extra} field by reflection, and Jackson creates the codec's serializer and
 * deserializer named by the records' annotations.</li>
 * <li>{@link EchoLlmProperties}, bound from {@code echo.llm.*}.</li>
 * <li>{@link RelayEvent}, which applications may write with Jackson (the relays themselves build their event JSON
 * from trees, without reflection).</li>
 * </ul>
 */
class EchoLlmRuntimeHints implements RuntimeHintsRegistrar {

	/** Every wire record; a test fails when a record of the package is missing here. */
	static final List<Class<? extends Record>> WIRE_RECORDS = List.of(ApiError.class, ChatCompletionChunk.class,
			ChatCompletionRequest.class, ChatCompletionResponse.class, ChatMessage.class, Choice.class,
			ChunkChoice.class, ContentPart.class, Delta.class, FunctionCall.class, FunctionDefinition.class,
			ImageUrl.class, MessageContent.Parts.class, MessageContent.Text.class, ResponseFormat.class,
			StreamOptions.class, Tool.class, ToolCall.class, ToolCallDelta.class, Usage.class);

	/** The codec's Jackson (de)serializers, package-private in the core. */
	static final List<String> WIRE_CODECS = List.of("io.echo.llm.chat.WireCodec$Serializer",
			"io.echo.llm.chat.WireCodec$Deserializer");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<? extends Record> type : WIRE_RECORDS) {
			hints.reflection()
				.registerType(type, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS, MemberCategory.INVOKE_PUBLIC_METHODS,
						MemberCategory.INVOKE_DECLARED_METHODS, MemberCategory.ACCESS_DECLARED_FIELDS);
		}
		// Jackson reads the @JsonSerialize/@JsonDeserialize of the sealed interface too.
		hints.reflection().registerType(MessageContent.class, MemberCategory.INTROSPECT_PUBLIC_METHODS);
		for (String codec : WIRE_CODECS) {
			hints.reflection()
				.registerType(TypeReference.of(codec), MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
						MemberCategory.INVOKE_DECLARED_METHODS);
		}
		BindableRuntimeHintsRegistrar.forTypes(EchoLlmProperties.class).registerHints(hints, classLoader);
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), RelayEvent.class);
	}

}
