package io.echo.llm.sample;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threads the sample's relayed streams run on, as {@code application.yml} sets them: virtual threads on Java 21+,
 * and on Java 17 a pool with no queue, so that no stream waits unseen behind the others.
 */
@SpringBootTest
class RelayThreadsTests {

	@Autowired
	@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
	private AsyncTaskExecutor executor;

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void beforeJava21StreamsRunOnAPoolThatRefusesRatherThanQueues() {
		assertThat(this.executor).isInstanceOfSatisfying(ThreadPoolTaskExecutor.class, (pool) -> {
			assertThat(pool.getThreadPoolExecutor().getQueue().remainingCapacity()).isZero();
			assertThat(pool.getCorePoolSize()).isEqualTo(8);
			assertThat(pool.getMaxPoolSize()).isEqualTo(100);
		});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void onJava21StreamsRunOnVirtualThreads() throws Exception {
		assertThat(this.executor).isInstanceOf(SimpleAsyncTaskExecutor.class);
		// Thread.isVirtual() by reflection: the sample compiles for Java 17.
		Future<Object> virtual = this.executor
			.submit(() -> Thread.class.getMethod("isVirtual").invoke(Thread.currentThread()));
		assertThat(virtual.get(10, TimeUnit.SECONDS)).isEqualTo(Boolean.TRUE);
	}

}
