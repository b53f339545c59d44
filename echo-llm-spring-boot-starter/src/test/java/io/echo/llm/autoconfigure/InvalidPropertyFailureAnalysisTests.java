package io.echo.llm.autoconfigure;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when an {@code echo.llm} value is wrong: Boot's own failure analysis of an
 * {@code InvalidConfigurationPropertyValueException}, run through every analyzer of {@code spring.factories} in order
 * as Boot runs them, with values that can hold a secret masked by {@link MaskingPropertyValueFailureAnalyzer}.
 */
class InvalidPropertyFailureAnalysisTests {

	// A context that failed to start no longer hands out its environment: keep it when it is created.
	private final AtomicReference<Environment> environment = new AtomicReference<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EchoLlmAutoConfiguration.class))
		.withInitializer((context) -> this.environment.set(context.getEnvironment()));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			echo.llm.base-url                              | ftp://example.com/v1 | echo.llm.base-url                              | ftp://example.com/v1 | must be an http or https URL
			echo.llm.base-url                              | localhost:11434      | echo.llm.base-url                              | localhost:11434      | must be an http or https URL
			echo.llm.timeouts.connect                      | -1s                  | echo.llm.timeouts.connect                      | -1s                  | must not be negative; 0 disables this timeout
			echo.llm.timeouts.first-chunk                  | -1s                  | echo.llm.timeouts.first-chunk                  | -1s                  | must not be negative; 0 disables this timeout
			echo.llm.timeouts.idle                         | -5ms                 | echo.llm.timeouts.idle                         | -5ms                 | must not be negative; 0 disables this timeout
			echo.llm.timeouts.overall                      | -1m                  | echo.llm.timeouts.overall                      | -1m                  | must not be negative; 0 disables this timeout
			echo.llm.retry.max-attempts                    | 0                    | echo.llm.retry.max-attempts                    | 0                    | must be at least 1 (1 disables retry)
			echo.llm.retry.initial-backoff                 | -1s                  | echo.llm.retry.initial-backoff                 | -1s                  | must not be negative
			echo.llm.retry.max-backoff                     | 100ms                | echo.llm.retry.max-backoff                     | 100ms                | must not be below echo.llm.retry.initial-backoff (500ms)
			echo.llm.retry.max-retry-after                 | -1s                  | echo.llm.retry.max-retry-after                 | -1s                  | must not be negative
			echo.llm.stream.max-event-size                 | 0B                   | echo.llm.stream.max-event-size                 | 0B                   | must be at least 1B and below 2GB
			echo.llm.clients.local.base-url                | file:///etc/passwd   | echo.llm.clients.local.base-url                | file:///etc/passwd   | must be an http or https URL
			echo.llm.clients.local.retry.max-attempts      | -2                   | echo.llm.clients.local.retry.max-attempts      | -2                   | must be at least 1 (1 disables retry)
			echo.llm.clients.local.timeouts.idle           | -1s                  | echo.llm.clients.local.timeouts.idle           | -1s                  | must not be negative; 0 disables this timeout
			echo.llm.clients.local.retry.initial-backoff   | 10s                  | echo.llm.clients.local.retry.initial-backoff   | 10s                  | must not be above echo.llm.retry.max-backoff (8s)
			echo.llm.clients.local.retry.max-backoff       | 100ms                | echo.llm.clients.local.retry.max-backoff       | 100ms                | must not be below echo.llm.retry.initial-backoff (500ms)
			echo.llm.clients.default.model                 | gpt-4o               | echo.llm.clients.default                       | default              | the name 'default' is reserved
			""")
	void invalidValueFailsStartUpNamingKeyValueAndFix(String key, String value, String reportedKey,
			String reportedValue, String reason) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class);
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription()).startsWith("Invalid value '" + reportedValue
					+ "' for configuration property '" + reportedKey + "'")
				.contains(reason);
			assertThat(analysis.getAction()).isNotBlank();
		});
	}

	@Test
	void reportSaysWhereTheValueWasSet() {
		this.runner.withPropertyValues("echo.llm.retry.max-attempts=0").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription()).contains("(originating from '\"echo.llm.retry.max-attempts\" from property source");
		});
	}

	@Test
	void reportOfAMaskedKeySaysWhereTheValueWasSetAndHowToFixIt() {
		this.runner.withPropertyValues("echo.llm.clients.local.base-url=localhost:11434").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription())
				.contains("(originating from '\"echo.llm.clients.local.base-url\" from property source");
			assertThat(analysis.getAction()).isEqualTo("Update 'echo.llm.clients.local.base-url' in your application's "
					+ "configuration: it must be an http or https URL, for instance https://api.openai.com/v1.");
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			echo.llm.base-url                 | ftp://user:s3cret@example.com/v1?key=s3cret | 'ftp://******@example.com/v1?******'
			echo.llm.clients.local.base-url   | s3cret@localhost:11434                      | '******@localhost:11434'
			echo.llm.base-url                 | //example.com/v1?api_key=s3cret             | '//example.com/v1?******'
			""")
	void urlCredentialsNeverShow(String key, String value, String shown) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription()).contains(shown).doesNotContain("s3cret");
			assertThat(analysis.getAction()).doesNotContain("s3cret");
			assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("s3cret");
		});
	}

	@Test
	void otherKeysAreLeftToBootsAnalyzer() {
		assertThat(MaskingPropertyValueFailureAnalyzer.mask("echo.llm.retry.max-attempts", 0)).isNull();
		assertThat(MaskingPropertyValueFailureAnalyzer.mask("spring.datasource.url", "jdbc:x")).isNull();
		assertThat(MaskingPropertyValueFailureAnalyzer.mask("echo.llm.clients.a.api-key", "sk-1")).isEqualTo("******");
		assertThat(MaskingPropertyValueFailureAnalyzer.mask("echo.llm.headers.api-key", "sk-1")).isEqualTo("******");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void springBootReportsTheFailureThroughItsOwnAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--echo.llm.retry.max-attempts=0"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0' for configuration property 'echo.llm.retry.max-attempts'")
			.contains("must be at least 1 (1 disables retry)");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void springBootNeverPrintsACredentialInABaseUrl(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException()
			.isThrownBy(() -> application.run("--echo.llm.base-url=ftp://user:s3cret@example.com/v1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'ftp://******@example.com/v1' for configuration property 'echo.llm.base-url'")
			.contains("Update 'echo.llm.base-url' in your application's configuration: it must be an http or https URL")
			.doesNotContain("s3cret");
	}

	/** The first analysis of the analyzers of {@code spring.factories}, in their order, as Boot takes it. */
	private FailureAnalysis analyze(Throwable failure, Environment environment) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment),
					// Analyzers that need a bean factory analyze other failures: leave them out.
					FailureHandler.handleMessage((message, ex) -> {
					}));
		FailureAnalysis analysis = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(EchoLlmAutoConfiguration.class)
	static class MinimalApplication {

	}

}
