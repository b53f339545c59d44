package io.echo.llm.web;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What relay tests against a {@link ScriptedUpstream} share: one upstream for the class, and one application instance
 * per test, which the test starts with the settings it needs and which is closed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ScriptedUpstreamTests {

	protected ScriptedUpstream upstream;

	protected @Nullable ConfigurableApplicationContext instance;

	@BeforeAll
	protected void startUpstream() throws IOException {
		this.upstream = new ScriptedUpstream();
	}

	@AfterEach
	protected void stopInstance() {
		if (this.instance != null) {
			this.instance.close();
			this.instance = null;
		}
	}

	@AfterAll
	protected void stopUpstream() throws IOException {
		this.upstream.close();
	}

	/** Waits up to 5 s for the condition; returns whether it held. */
	protected static boolean poll(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			Thread.sleep(10);
		}
		return condition.getAsBoolean();
	}

}
