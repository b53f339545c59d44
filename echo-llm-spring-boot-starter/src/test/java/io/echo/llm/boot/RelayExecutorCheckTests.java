package io.echo.llm.boot;

import java.util.List;

import io.echo.llm.autoconfigure.EchoLlmAutoConfiguration;
import io.echo.llm.autoconfigure.EchoLlmWebAutoConfiguration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warning about a relay executor that would hold streams back: each live stream keeps one executor
 * thread, so a platform-thread pool with a queue makes streams beyond its core size wait unseen.
 */
class RelayExecutorCheckTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				TaskExecutionAutoConfiguration.class, EchoLlmAutoConfiguration.class,
				EchoLlmWebAutoConfiguration.class));

	@Test
	void bootsDefaultPoolOnPlatformThreadsGetsOneWarningNamingTheKeys() {
		List<String> warnings = warningsAtStartUp(this.runner.withPropertyValues("spring.threads.virtual.enabled=false"));
		assertThat(warnings).singleElement()
			.asString()
			.contains("a pool of 8 platform threads")
			.contains("beyond 8 concurrent streams, a new stream waits")
			.contains("spring.threads.virtual.enabled=true")
			.contains("spring.task.execution.pool.core-size")
			.contains("spring.task.execution.pool.queue-capacity=0")
			.contains("spring.task.execution.pool.max-size")
			.contains("503 'relay_busy'");
	}

	@Test
	void warningGivesTheConfiguredCoreSize() {
		List<String> warnings = warningsAtStartUp(this.runner.withPropertyValues("spring.threads.virtual.enabled=false",
				"spring.task.execution.pool.core-size=50", "spring.task.execution.pool.queue-capacity=100"));
		assertThat(warnings).singleElement().asString().contains("beyond 50 concurrent streams");
	}

	@Test
	void poolWithoutQueueGetsNoWarning() {
		List<String> warnings = warningsAtStartUp(this.runner.withPropertyValues("spring.threads.virtual.enabled=false",
				"spring.task.execution.pool.queue-capacity=0", "spring.task.execution.pool.max-size=64"));
		assertThat(warnings).isEmpty();
	}

	@Test
	void executorWithAThreadPerTaskGetsNoWarning() {
		List<String> warnings = warningsAtStartUp(this.runner.withBean(
				TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME, AsyncTaskExecutor.class,
				SimpleAsyncTaskExecutor::new));
		assertThat(warnings).isEmpty();
	}

	@Test
	void applicationsOwnQueuedPoolIsWarnedAboutWithoutBootsKeys() {
		List<String> warnings = warningsAtStartUp(this.runner.withBean("relayExecutor", AsyncTaskExecutor.class, () -> {
			ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
			pool.setCorePoolSize(4);
			return pool;
		}));
		assertThat(warnings).singleElement()
			.asString()
			.contains("beyond 4 concurrent streams")
			.contains("Give the application's AsyncTaskExecutor a thread per task")
			.doesNotContain("spring.task.execution");
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void virtualThreadsAskedForBeforeJava21AreSaidToNeedJava21() {
		List<String> warnings = warningsAtStartUp(this.runner.withPropertyValues("spring.threads.virtual.enabled=true"));
		assertThat(warnings).singleElement()
			.asString()
			.contains("On Java 21+ set spring.threads.virtual.enabled=true")
			.contains("it is set, but this is Java " + Runtime.version().feature());
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsOnJava21GetNoWarning() {
		List<String> warnings = warningsAtStartUp(this.runner.withPropertyValues("spring.threads.virtual.enabled=true"));
		assertThat(warnings).isEmpty();
	}

	private static List<String> warningsAtStartUp(WebApplicationContextRunner runner) {
		Logger logger = (Logger) LoggerFactory.getLogger(RelayExecutorCheck.class);
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		logger.addAppender(logs);
		try {
			runner.run((context) -> assertThat(context).hasNotFailed());
		}
		finally {
			logger.detachAppender(logs);
		}
		return logs.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
