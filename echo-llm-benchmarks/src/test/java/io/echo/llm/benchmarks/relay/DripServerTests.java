package io.echo.llm.benchmarks.relay;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DripServerTests {

	@Test
	void everyDriverStreamReceivesEveryStampedTokenAndTheEnd() throws Exception {
		try (DripServer upstream = new DripServer(3, Duration.ofMillis(5).toNanos())) {
			LoadDriver driver = new LoadDriver(URI.create(upstream.baseUrl() + "/chat/completions"), "{}", 20, 3,
					Duration.ZERO, Duration.ofSeconds(30));
			LoadDriver.Result result = driver.run();
			assertThat(result.errors()).isEmpty();
			assertThat(result.complete()).isEqualTo(20);
			assertThat(result.lostTokens()).isZero();
			assertThat(result.duplicatedTokens()).isZero();
			assertThat(result.samples().size()).isEqualTo(60);
			assertThat(upstream.streamsFinished()).isEqualTo(20);
		}
	}

	@Test
	void theDriverRefusesAnythingButLoopback() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoadDriver(URI.create("http://example.com:80/v1/chat/completions"), "{}", 1, 1,
					Duration.ZERO, Duration.ofSeconds(1)))
			.withMessageContaining("loopback");
	}

}
