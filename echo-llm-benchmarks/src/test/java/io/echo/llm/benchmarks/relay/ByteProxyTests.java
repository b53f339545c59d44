package io.echo.llm.benchmarks.relay;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.echo.llm.benchmarks.relay.RelayScaleBenchmark.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The reference modes' proxy, started the way the benchmark starts it, carries every token of many streams. */
class ByteProxyTests {

	private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	@TempDir
	Path logs;

	@Test
	void oneSelectorCarriesEveryTokenOfEveryStream() throws Exception {
		relayThrough(Mode.proxy("reference-nio-proxy", Path.of(System.getProperty("java.home")), "nio"));
	}

	@Test
	void aVirtualThreadPerDirectionCarriesEveryTokenOfEveryStream() throws Exception {
		assumeTrue(Files.isExecutable(JAVA_25.resolve("bin/java")), "needs a Java 21+ JDK at " + JAVA_25);
		relayThrough(Mode.proxy("reference-thread-proxy", JAVA_25, "threads"));
	}

	private void relayThrough(Mode mode) throws Exception {
		try (DripServer upstream = new DripServer(20, TimeUnit.MILLISECONDS.toNanos(2));
				RelayProcess proxy = RelayProcess.start(mode.javaHome(), mode.launch(Path.of("unused"), Path.of("unused")),
						mode.jvmArgs(), mode.appArgs(upstream.baseUrl(), 50), this.logs.resolve("proxy.log"))) {
			// Twice: the second round needs the proxy to have survived the first round's connections closing.
			for (int round = 1; round <= 2; round++) {
				LoadDriver driver = new LoadDriver(URI.create("http://127.0.0.1:" + proxy.port() + mode.path()),
						mode.request(), 50, 20, Duration.ofMillis(200), Duration.ofSeconds(30));
				LoadDriver.Result result = driver.run();
				assertThat(result.errors()).isEmpty();
				assertThat(result.complete()).isEqualTo(50);
				assertThat(result.samples().size()).isEqualTo(50 * 20);
				assertThat(result.lostTokens() + result.duplicatedTokens()).isZero();
				assertThat(upstream.streamsFinished()).isEqualTo(50 * round);
			}
		}
	}

}
