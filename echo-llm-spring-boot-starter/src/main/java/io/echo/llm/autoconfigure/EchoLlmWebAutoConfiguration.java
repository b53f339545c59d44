package io.echo.llm.autoconfigure;

import io.echo.llm.LlmStreamService;
import io.echo.llm.web.LlmSseRelay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@link LlmSseRelay} in a Spring MVC application. Its upstream calls run on Boot's {@code applicationTaskExecutor}
 * (virtual threads when {@code spring.threads.virtual.enabled=true}), or on the application's only
 * {@link AsyncTaskExecutor} when it replaced Boot's.
 */
@AutoConfiguration(after = { EchoLlmAutoConfiguration.class, TaskExecutionAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "echo.llm.enabled", matchIfMissing = true)
@ConditionalOnClass(SseEmitter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(LlmStreamService.class)
public final class EchoLlmWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmSseRelay llmSseRelay(LlmStreamService service,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<AsyncTaskExecutor> applicationTaskExecutor,
			ObjectProvider<AsyncTaskExecutor> executors) {
		AsyncTaskExecutor executor = applicationTaskExecutor.getIfAvailable(executors::getIfUnique);
		if (executor == null) {
			throw new IllegalStateException("LlmSseRelay needs an AsyncTaskExecutor to run upstream calls on: "
					+ "define a bean named '" + TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME
					+ "' or a single AsyncTaskExecutor bean");
		}
		return new LlmSseRelay(service, executor);
	}

}
