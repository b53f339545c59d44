package io.echo.llm.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

class EchoLlmFailureAnalyzerTests {

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
			echo.llm.timeouts.overall                      | -1m                  | echo.llm.timeouts.overall                      | -60s                 | must not be negative; 0 disables this timeout
			echo.llm.retry.max-attempts                    | 0                    | echo.llm.retry.max-attempts                    | 0                    | must be at least 1 (1 disables retry)
			echo.llm.retry.initial-backoff                 | -1s                  | echo.llm.retry.initial-backoff                 | -1s                  | must not be negative
			echo.llm.retry.max-backoff                     | 100ms                | echo.llm.retry.max-backoff                     | 100ms                | must not be below echo.llm.retry.initial-backoff (500ms)
			echo.llm.retry.max-retry-after                 | -1s                  | echo.llm.retry.max-retry-after                 | -1s                  | must not be negative
			echo.llm.stream.max-event-size                 | 0B                   | echo.llm.stream.max-event-size                 | 0B                   | must be at least 1B and below 2GB
			echo.llm.clients.local.base-url                | file:///etc/passwd   | echo.llm.clients.local.base-url                | file:///etc/passwd   | must be an http or https URL
			echo.llm.clients.local.retry.max-attempts      | -2                   | echo.llm.clients.local.retry.max-attempts      | -2                   | must be at least 1 (1 disables retry)
			echo.llm.clients.local.timeouts.idle           | -1s                  | echo.llm.clients.local.timeouts.idle           | -1s                  | must not be negative; 0 disables this timeout
			echo.llm.clients.local.retry.initial-backoff   | 10s                  | echo.llm.clients.local.retry.initial-backoff   | 10s                  | must not be above echo.llm.retry.max-backoff (8s)
			echo.llm.clients.default.model                 | gpt-4o               | echo.llm.clients.default                       | default              | the name 'default' is reserved
			""")
	void invalidValueFailsStartUpNamingKeyAndValue(String key, String value, String reportedKey, String reportedValue,
			String reason) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription()).startsWith("Invalid value '" + reportedValue
					+ "' for configuration property '" + reportedKey + "'")
				.contains(reason);
			assertThat(analysis.getAction()).contains(reportedKey).contains(reason);
		});
	}

	@Test
	void reportSaysWhereTheValueWasSet() {
		this.runner.withPropertyValues("echo.llm.retry.max-attempts=0").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
			assertThat(analysis.getDescription()).contains("(from \"echo.llm.retry.max-attempts\" from property source");
		});
	}

	@Test
	void urlCredentialsNeverShow() {
		this.runner.withPropertyValues("echo.llm.base-url=ftp://user:s3cret@example.com/v1?key=s3cret")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure(), this.environment.get());
				assertThat(analysis.getDescription()).contains("'ftp://******@example.com/v1?******'")
					.doesNotContain("s3cret");
				assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("s3cret");
			});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void springBootReportsTheFailureWithTheRegisteredAnalyzer(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--echo.llm.retry.max-attempts=0"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0' for configuration property 'echo.llm.retry.max-attempts'")
			.contains("Update 'echo.llm.retry.max-attempts' in your application's configuration");
	}

	private FailureAnalysis analyze(Throwable failure, Environment environment) {
		FailureAnalysis analysis = new EchoLlmFailureAnalyzer(environment).analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(EchoLlmAutoConfiguration.class)
	static class MinimalApplication {

	}

}
