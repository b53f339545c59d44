package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
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

	/** A chat request whose single message is "hi". */
	protected static final String PROMPT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

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

	/** Posts {@link #PROMPT} to the path of the running instance, as an event-stream client. */
	protected SseClient post(String path) {
		return SseClient.post(URI.create("http://127.0.0.1:" + RelayTestApplication.port(this.instance) + path), PROMPT);
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
