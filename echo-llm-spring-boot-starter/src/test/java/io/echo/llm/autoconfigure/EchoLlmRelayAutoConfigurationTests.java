package io.echo.llm.autoconfigure;

import java.time.Duration;

import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.resume.LlmStreamStore;
import io.echo.llm.web.resume.InMemoryLlmStreamStore;
import io.echo.llm.web.resume.LlmStreamController;
import io.echo.llm.web.resume.redis.RedisLlmStreamStore;
import io.echo.llm.web.resume.redis.LocalRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code echo.llm.relay.*} keys: resumable relay, its store and its endpoints.
 */
class EchoLlmRelayAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				TaskExecutionAutoConfiguration.class, DataRedisAutoConfiguration.class, EchoLlmAutoConfiguration.class,
				EchoLlmWebAutoConfiguration.class));

	@Test
	void relayIsNotResumableByDefault() {
		this.runner.run((context) -> {
			assertThat(context.getBean(LlmSseRelay.class).isResumable()).isFalse();
			assertThat(context).doesNotHaveBean(LlmStreamStore.class).doesNotHaveBean(LlmStreamController.class);
		});
	}

	@Test
	void resumableRelayKeepsStreamsInMemoryByDefault() {
		this.runner.withPropertyValues("echo.llm.relay.resumable=true").run((context) -> {
			assertThat(context.getBean(LlmSseRelay.class).isResumable()).isTrue();
			assertThat(context).hasSingleBean(InMemoryLlmStreamStore.class).hasSingleBean(LlmStreamController.class);
		});
	}

	@Test
	void relayDefaultsAreTheDocumentedOnes() {
		this.runner.run((context) -> {
			EchoLlmProperties.Relay relay = context.getBean(EchoLlmProperties.class).getRelay();
			assertThat(relay.isResumable()).isFalse();
			assertThat(relay.getStore()).isEqualTo(EchoLlmProperties.Relay.StoreType.MEMORY);
			assertThat(relay.getResumeWindow()).isEqualTo(Duration.ofSeconds(30));
			assertThat(relay.getRetention()).isEqualTo(Duration.ofMinutes(5));
			assertThat(relay.getMaxStreams()).isEqualTo(1000);
			assertThat(relay.getMaxStreamBytes()).isEqualTo(DataSize.ofMegabytes(1));
		});
	}

	@Test
	void relayKeysBind() {
		this.runner
			.withPropertyValues("echo.llm.relay.resumable=true", "echo.llm.relay.resume-window=10s",
					"echo.llm.relay.retention=1m", "echo.llm.relay.max-streams=7", "echo.llm.relay.max-stream-bytes=64KB")
			.run((context) -> {
				EchoLlmProperties.Relay relay = context.getBean(EchoLlmProperties.class).getRelay();
				assertThat(relay.getResumeWindow()).isEqualTo(Duration.ofSeconds(10));
				assertThat(relay.getRetention()).isEqualTo(Duration.ofMinutes(1));
				assertThat(relay.getMaxStreams()).isEqualTo(7);
				assertThat(relay.getMaxStreamBytes()).isEqualTo(DataSize.ofKilobytes(64));
			});
	}

	@Test
	void relayChecksTheHostsCpuLoadOnlyWhenAsked() {
		this.runner.run((context) -> {
			assertThat(context.getBean(EchoLlmProperties.class).getRelay().getMaxCpuLoad()).isZero();
			assertThat(context.getBean(LlmSseRelay.class).hostBusy()).isFalse();
		});
		this.runner.withPropertyValues("echo.llm.relay.max-cpu-load=0.85")
			.run((context) -> assertThat(context.getBean(EchoLlmProperties.class).getRelay().getMaxCpuLoad())
				.isEqualTo(0.85));
	}

	@ParameterizedTest
	@ValueSource(strings = { "90", "-0.1" })
	void cpuLoadOutsideZeroToOneFailsWithTheKeyValueAndFix(String value) {
		this.runner.withPropertyValues("echo.llm.relay.max-cpu-load=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("echo.llm.relay.max-cpu-load")
				.hasMessageContaining("must be a share between 0 and 1, for instance 0.9 for 90 %"));
	}

	@Test
	void invalidStoreLimitFailsWithTheKeyAndValue() {
		this.runner.withPropertyValues("echo.llm.relay.resumable=true", "echo.llm.relay.max-streams=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("max-streams 0"));
	}

	@Test
	@ExtendWith(LocalRedis.Extension.class)
	void redisStoreUsesTheApplicationsRedis(LocalRedis redis) {
		this.runner
			.withPropertyValues("echo.llm.relay.resumable=true", "echo.llm.relay.store=redis",
					"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisLlmStreamStore.class).doesNotHaveBean(InMemoryLlmStreamStore.class);
				assertThat(context.getBean(LlmSseRelay.class).isResumable()).isTrue();
			});
	}

	@Test
	void redisStoreWithoutSpringDataRedisFailsWithWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("echo.llm.relay.resumable=true", "echo.llm.relay.store=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void applicationStoreIsUsedInstead() {
		InMemoryLlmStreamStore own = new InMemoryLlmStreamStore(Duration.ofSeconds(1), 1, 1);
		this.runner.withPropertyValues("echo.llm.relay.resumable=true")
			.withBean("applicationStore", LlmStreamStore.class, () -> own)
			.run((context) -> assertThat(context.getBean(LlmStreamStore.class)).isSameAs(own));
	}

}
