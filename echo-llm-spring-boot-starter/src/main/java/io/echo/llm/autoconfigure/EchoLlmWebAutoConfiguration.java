package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import io.echo.llm.LlmStreamService;
import io.echo.llm.web.LlmRelayBusyHandler;
import io.echo.llm.web.LlmRelayStatusResolver;
import io.echo.llm.web.LlmRequestReader;
import io.echo.llm.web.LlmSseRelay;
import io.echo.llm.web.RelaySettings;
import io.echo.llm.web.resume.LlmStreamController;
import io.echo.llm.web.resume.LlmStreamStore;
import io.echo.llm.web.resume.ResumableRelay;
import io.echo.llm.boot.RelayExecutorCheck;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@link LlmSseRelay} in a Spring MVC application. Its upstream calls run on Boot's {@code applicationTaskExecutor}
 * (virtual threads when {@code spring.threads.virtual.enabled=true}), or on the application's only
 * {@link AsyncTaskExecutor} when it replaced Boot's. Each live stream holds one thread of it, so a platform-thread pool
 * that would queue streams (Boot's default without virtual threads) gets a warning at start-up naming the keys to set.
 */
@AutoConfiguration(after = { EchoLlmAutoConfiguration.class, TaskExecutionAutoConfiguration.class },
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "echo.llm.enabled", matchIfMissing = true)
@ConditionalOnClass(SseEmitter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(LlmStreamService.class)
@Import({ EchoLlmRelayStoreConfigurations.MemoryStoreConfiguration.class,
		EchoLlmRelayStoreConfigurations.RedisStoreConfiguration.class })
public final class EchoLlmWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmSseRelay llmSseRelay(LlmStreamService service,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<AsyncTaskExecutor> applicationTaskExecutor,
			ObjectProvider<AsyncTaskExecutor> executors, EchoLlmProperties properties,
			ObjectProvider<LlmStreamStore> store, Environment environment) {
		AsyncTaskExecutor bootsExecutor = applicationTaskExecutor.getIfAvailable();
		AsyncTaskExecutor executor = (bootsExecutor != null) ? bootsExecutor : executors.getIfUnique();
		if (executor == null) {
			throw new IllegalStateException("LlmSseRelay needs an AsyncTaskExecutor to run upstream calls on: "
					+ "define a bean named '" + TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME
					+ "' or a single AsyncTaskExecutor bean");
		}
		RelayExecutorCheck.warnIfStreamsWouldWait(executor, bootsExecutor != null, environment);
		EchoLlmProperties.Relay relay = properties.getRelay();
		double maxCpuLoad = relay.getMaxCpuLoad();
		if (!(maxCpuLoad >= 0 && maxCpuLoad <= 1)) {
			// 90 for 90 % is the likely slip: a load above 1 would never be reached, and the check never refuse.
			throw new InvalidConfigurationPropertyValueException("echo.llm.relay.max-cpu-load", maxCpuLoad,
					"must be a share between 0 and 1, for instance 0.9 for 90 %; 0 turns the check off");
		}
		RelaySettings settings = new RelaySettings(relay.getFlushInterval(), relay.getMaxActiveStreams(), maxCpuLoad);
		if (!relay.isResumable()) {
			return new LlmSseRelay(service, executor, Duration.ZERO, null, settings);
		}
		LlmStreamStore streams = store.getIfUnique();
		if (streams == null) {
			throw new IllegalStateException("echo.llm.relay.resumable=true with echo.llm.relay.store="
					+ relay.getStore().name().toLowerCase(Locale.ROOT)
					+ " needs a single LlmStreamStore; for 'redis' add spring-boot-starter-data-redis and "
					+ "configure spring.data.redis.*");
		}
		return new LlmSseRelay(service, executor, Duration.ZERO,
				new ResumableRelay(streams, executor, Duration.ZERO, relay.getResumeWindow(), settings.flushInterval()),
				settings);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmRelayBusyHandler llmRelayBusyHandler() {
		return new LlmRelayBusyHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	LlmRelayStatusResolver llmRelayStatusResolver() {
		return new LlmRelayStatusResolver();
	}

	@Bean
	@ConditionalOnMissingBean
	LlmRequestReader llmRequestReader(EchoLlmProperties properties) {
		return new LlmRequestReader(properties.getRelay().getMaxRequestSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("echo.llm.relay.resumable")
	LlmStreamController llmStreamController(LlmSseRelay relay) {
		return new LlmStreamController(relay);
	}

}
