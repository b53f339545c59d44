package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmClients;
import io.echo.llm.LlmStreamService;
import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.boot.DefaultLlmClients;
import io.echo.llm.observation.ObservationLlmCallListener;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EchoLlmAutoConfigurationTests {

	private static final AutoConfigurations ECHO_LLM = AutoConfigurations.of(EchoLlmAutoConfiguration.class,
			EchoLlmObservationAutoConfiguration.class, EchoLlmWebAutoConfiguration.class);

	private static final AutoConfigurations BOOT = AutoConfigurations.of(HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
			TaskExecutionAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BOOT)
		.withConfiguration(ECHO_LLM);

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner().withConfiguration(BOOT)
		.withConfiguration(ECHO_LLM);

	@Test
	void primaryServiceAndEmptyNamedClientsByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(LlmStreamService.class).hasSingleBean(LlmClients.class);
			assertThat(context.getBean(LlmClients.class).names()).isEmpty();
		});
	}

	@Test
	void defaultsAreTheDocumentedOnes() {
		this.runner.run((context) -> assertThat(settings(context)).isEqualTo(LlmClientSettings.defaults()
			.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ZERO)
			.withRetry(3, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60))
			.withMaxEventBytes(4 * 1024 * 1024)));
	}

	static Stream<Arguments> keys() {
		return Stream.of(row("base-url", "http://127.0.0.1:11434/v1", LlmClientSettings::baseUrl,
				"http://127.0.0.1:11434/v1"), row("api-key", "sk-test", LlmClientSettings::apiKey, "sk-test"),
				row("model", "gpt-4o-mini", LlmClientSettings::model, "gpt-4o-mini"),
				row("headers.OpenAI-Organization", "org-1", LlmClientSettings::headers,
						Map.of("OpenAI-Organization", "org-1")),
				row("timeouts.connect", "30s", LlmClientSettings::connectTimeout, Duration.ofSeconds(30)),
				row("timeouts.connect", "0", LlmClientSettings::connectTimeout, Duration.ZERO),
				row("timeouts.first-chunk", "30s", LlmClientSettings::firstChunkTimeout, Duration.ofSeconds(30)),
				row("timeouts.first-chunk", "0", LlmClientSettings::firstChunkTimeout, Duration.ZERO),
				row("timeouts.idle", "30s", LlmClientSettings::idleTimeout, Duration.ofSeconds(30)),
				row("timeouts.idle", "0", LlmClientSettings::idleTimeout, Duration.ZERO),
				row("timeouts.overall", "30s", LlmClientSettings::overallTimeout, Duration.ofSeconds(30)),
				row("timeouts.overall", "0", LlmClientSettings::overallTimeout, Duration.ZERO),
				row("retry.max-attempts", "1", LlmClientSettings::maxAttempts, 1),
				row("retry.initial-backoff", "5s", LlmClientSettings::initialBackoff, Duration.ofSeconds(5)),
				row("retry.initial-backoff", "0", LlmClientSettings::initialBackoff, Duration.ZERO),
				row("retry.max-backoff", "30s", LlmClientSettings::maxBackoff, Duration.ofSeconds(30)),
				row("retry.max-retry-after", "30s", LlmClientSettings::maxRetryAfter, Duration.ofSeconds(30)),
				row("retry.max-retry-after", "0", LlmClientSettings::maxRetryAfter, Duration.ZERO),
				row("stream.max-event-size", "64KB", LlmClientSettings::maxEventBytes, 64 * 1024),
				row("stream.include-usage", "false", LlmClientSettings::includeUsage, false));
	}

	private static Arguments row(String key, String value, Function<LlmClientSettings, Object> accessor,
			Object expected) {
		return Arguments.of(key, value, accessor, expected);
	}

	@ParameterizedTest(name = "echo.llm.{0}={1}")
	@MethodSource("keys")
	void eachKeyIsBound(String key, String value, Function<LlmClientSettings, Object> accessor, Object expected) {
		this.runner.withPropertyValues("echo.llm." + key + "=" + value)
			.run((context) -> assertThat(accessor.apply(settings(context))).isEqualTo(expected));
	}

	@ParameterizedTest(name = "echo.llm.clients.local.{0}={1}")
	@MethodSource("keys")
	void eachKeyIsBoundForANamedClient(String key, String value, Function<LlmClientSettings, Object> accessor,
			Object expected) {
		this.runner.withPropertyValues("echo.llm.clients.local." + key + "=" + value)
			.run((context) -> assertThat(accessor.apply(settings(context, "local"))).isEqualTo(expected));
	}

	@Test
	void environmentVariablesBind() {
		Map<String, Object> environment = Map.of("ECHO_LLM_BASE_URL", "http://127.0.0.1:8080/v1", "ECHO_LLM_API_KEY",
				"sk-env", "ECHO_LLM_TIMEOUTS_IDLE", "5s");
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)))
			.run((context) -> assertThat(settings(context)).satisfies((settings) -> {
				assertThat(settings.baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
				assertThat(settings.apiKey()).isEqualTo("sk-env");
				assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
			}));
	}

	@Test
	void namedClientsInheritTheKeysTheyLeaveUnset() {
		this.runner
			.withPropertyValues("echo.llm.api-key=sk-top", "echo.llm.model=gpt-4o", "echo.llm.timeouts.idle=5s",
					"echo.llm.retry.max-attempts=5", "echo.llm.headers.OpenAI-Organization=org-1",
					"echo.llm.clients.fast.model=gpt-4o-mini", "echo.llm.clients.fast.timeouts.first-chunk=2s",
					"echo.llm.clients.local.base-url=http://127.0.0.1:11434/v1", "echo.llm.clients.local.api-key=")
			.run((context) -> {
				assertThat(context.getBean(LlmClients.class).names()).containsExactly("fast", "local");
				LlmClientSettings fast = settings(context, "fast");
				assertThat(fast.baseUrl()).isEqualTo(LlmClientSettings.DEFAULT_BASE_URL);
				assertThat(fast.apiKey()).isEqualTo("sk-top");
				assertThat(fast.model()).isEqualTo("gpt-4o-mini");
				assertThat(fast.firstChunkTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(fast.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(fast.maxAttempts()).isEqualTo(5);
				assertThat(fast.headers()).containsExactly(Map.entry("OpenAI-Organization", "org-1"));
				LlmClientSettings local = settings(context, "local");
				assertThat(local.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
				assertThat(local.apiKey()).as("an empty api-key sends none").isNull();
				assertThat(local.model()).isEqualTo("gpt-4o");
			});
	}

	@Test
	void namedClientHeadersAddToTheInheritedOnesAndAnEmptyValueRemovesOne() {
		this.runner
			.withPropertyValues("echo.llm.headers.OpenAI-Organization=org-1", "echo.llm.headers.X-Team=a",
					"echo.llm.clients.azure.headers.api-key=azure-key", "echo.llm.clients.azure.headers.X-Team=b",
					"echo.llm.clients.azure.headers.OpenAI-Organization=")
			.run((context) -> assertThat(settings(context, "azure").headers())
				.containsExactlyInAnyOrderEntriesOf(Map.of("X-Team", "b", "api-key", "azure-key")));
	}

	@Test
	void unknownClientNameListsTheKnownOnes() {
		this.runner.withPropertyValues("echo.llm.clients.fast.model=a", "echo.llm.clients.local.model=b")
			.run((context) -> assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(LlmClients.class).get("fsat"))
				.withMessage("No LLM client named 'fsat'; the clients configured under echo.llm.clients are "
						+ "[fast, local]"));
	}

	@Test
	void userDefinedBeansWin() {
		this.webRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).getBean(LlmStreamService.class).isSameAs(UserBeans.SERVICE);
			assertThat(context).getBean(LlmClients.class).isSameAs(UserBeans.CLIENTS);
			assertThat(context).getBean(LlmSseRelay.class).isSameAs(UserBeans.RELAY);
		});
	}

	@Test
	void disabledRegistersNothing() {
		this.webRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withPropertyValues("echo.llm.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EchoLlmProperties.class)
				.doesNotHaveBean(LlmStreamService.class)
				.doesNotHaveBean(LlmClients.class)
				.doesNotHaveBean(LlmSseRelay.class)
				.doesNotHaveBean(ObservationLlmCallListener.class));
	}

	@Test
	void disabledIgnoresInvalidValues() {
		this.runner.withPropertyValues("echo.llm.enabled=false", "echo.llm.retry.max-attempts=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void relayInAServletApplication() {
		this.webRunner.run((context) -> assertThat(context).hasSingleBean(LlmSseRelay.class));
	}

	@Test
	void noRelayWithoutSpringMvc() {
		this.webRunner.withClassLoader(new FilteredClassLoader(SseEmitter.class))
			.run((context) -> assertThat(context).hasSingleBean(LlmStreamService.class)
				.doesNotHaveBean(LlmSseRelay.class));
	}

	@Test
	void noRelayOutsideAWebApplication() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LlmSseRelay.class));
	}

	@Test
	void relayRunsOnBootsApplicationTaskExecutor() {
		this.webRunner.run((context) -> assertThat(context.getBean(LlmSseRelay.class)).extracting("executor")
			.isSameAs(context.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)));
	}

	@Test
	void relayRunsOnTheOnlyExecutorWhenTheApplicationReplacedBoots() {
		this.webRunner.withBean("llmExecutor", SimpleAsyncTaskExecutor.class)
			.run((context) -> assertThat(context.getBean(LlmSseRelay.class)).extracting("executor")
				.isSameAs(context.getBean("llmExecutor")));
	}

	@Test
	void observationListenerWithAnObservationRegistry() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ObservationLlmCallListener.class));
	}

	@Test
	void noObservationListenerWithoutMicrometer() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasSingleBean(LlmStreamService.class)
				.doesNotHaveBean(ObservationLlmCallListener.class));
	}

	static LlmClientSettings settings(AssertableApplicationContext context) {
		return new LlmClientSettingsMapper(context.getBean(EchoLlmProperties.class)).map();
	}

	static LlmClientSettings settings(AssertableApplicationContext context, String client) {
		return new LlmClientSettingsMapper(context.getBean(EchoLlmProperties.class)).map(client);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final LlmStreamService SERVICE = LlmStreamService.builder().build();

		static final LlmClients CLIENTS = new DefaultLlmClients(Map.of());

		static final LlmSseRelay RELAY = new LlmSseRelay(SERVICE, new SimpleAsyncTaskExecutor());

		@Bean
		LlmStreamService userService() {
			return SERVICE;
		}

		@Bean
		LlmClients userClients() {
			return CLIENTS;
		}

		@Bean
		LlmSseRelay userRelay() {
			return RELAY;
		}

	}

}
