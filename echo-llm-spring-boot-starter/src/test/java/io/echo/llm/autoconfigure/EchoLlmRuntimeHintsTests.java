package io.echo.llm.autoconfigure;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.web.RelayEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image needs for what echo-llm reads and writes reflectively. The wire records are found by
 * scanning their package, so a record added without hints fails here rather than in a user's native image.
 */
class EchoLlmRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	EchoLlmRuntimeHintsTests() {
		new EchoLlmRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void autoConfigurationContributesTheHints() {
		assertThat(EchoLlmAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class).value())
			.containsExactly(EchoLlmRuntimeHints.class);
	}

	@Test
	void scanFindsTheWireRecords() throws Exception {
		assertThat(wireRecords()).contains(ChatCompletionChunk.class).hasSizeGreaterThanOrEqualTo(20);
	}

	@ParameterizedTest
	@MethodSource("wireRecords")
	void everyWireRecordCanBeBuiltAndReadByTheCodec(Class<?> record) throws Exception {
		RecordComponent[] components = record.getRecordComponents();
		Constructor<?> canonical = record.getDeclaredConstructor(
				Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(canonical)).as("constructor of %s", record)
			.accepts(this.hints);
		for (RecordComponent component : components) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
				.as("accessor %s of %s", component.getName(), record)
				.accepts(this.hints);
			assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(record, component.getName()))
				.as("field %s of %s", component.getName(), record)
				.accepts(this.hints);
		}
	}

	@Test
	void jacksonCanCreateTheCodec() {
		for (String codec : List.of("io.echo.llm.chat.WireCodec$Serializer", "io.echo.llm.chat.WireCodec$Deserializer")) {
			assertThat(ClassUtils.isPresent(codec, getClass().getClassLoader())).as(codec).isTrue();
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of(codec))
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as(codec).accepts(this.hints);
		}
	}

	@Test
	void propertiesCanBeBound() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EchoLlmProperties.class, "setBaseUrl"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(EchoLlmProperties.Timeouts.class, "setFirstChunk")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EchoLlmProperties.Client.class, "setApiKey"))
			.accepts(this.hints);
	}

	@Test
	void relayEventsCanBeWrittenWithJackson() throws Exception {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(RelayEvent.class.getMethod("data")))
			.accepts(this.hints);
	}

	/** Every public record of {@code io.echo.llm.chat}, nested ones included, from the class files on the class path. */
	static List<Class<?>> wireRecords() throws IOException, ClassNotFoundException {
		List<Class<?>> records = new ArrayList<>();
		ClassLoader loader = EchoLlmRuntimeHintsTests.class.getClassLoader();
		for (Resource resource : new PathMatchingResourcePatternResolver(loader)
			.getResources("classpath*:io/echo/llm/chat/*.class")) {
			String file = resource.getFilename();
			Class<?> type = ClassUtils.forName("io.echo.llm.chat." + file.substring(0, file.length() - 6), loader);
			// The codec's private helpers are never read reflectively.
			if (type.isRecord() && Modifier.isPublic(type.getModifiers())) {
				records.add(type);
			}
		}
		return records;
	}

}
