package io.echo.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.echo.llm.chat.ChatCompletionChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Streams that end every way leave no socket open and start no thread beyond the small shared ones. */
@Timeout(60)
class LlmStreamServiceResourceTests extends RawServerSupport {

	private static final int ROUNDS = 10;

	@Test
	void streamsEndedByDoneCancelAndTimeoutLeaveNoSocketOrThreadBehind() throws Exception {
		assumeThat(Path.of("/proc/self/fd")).isDirectory();
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			if (exchange.request().contains("done")) {
				exchange.chunk("data: [DONE]\n\n");
			}
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).idleTimeout(Duration.ofMillis(100)).build();
		runOneOfEach(llm);
		long socketsBefore = openSockets();
		long selectorsBefore = selectorThreads();
		for (int i = 0; i < ROUNDS; i++) {
			runOneOfEach(llm);
		}
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
		// The server closes its side once it sees the client's close: wait for that, bounded.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (openSockets() > socketsBefore && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(openSockets()).isLessThanOrEqualTo(socketsBefore);
		assertThat(echoLlmThreads()).allSatisfy((thread) -> assertThat(thread.isDaemon()).isTrue())
			.filteredOn((thread) -> thread.getName().equals("echo-llm-timeouts"))
			.hasSize(1);
		assertThat(echoLlmThreads()).filteredOn((thread) -> thread.getName().startsWith("echo-llm-body-writer"))
			.hasSizeLessThanOrEqualTo(8);
		// One selector thread per HTTP client: streaming must not create clients (clients of other tests'
		// services may be collected meanwhile, so the count can only shrink).
		assertThat(selectorThreads()).isLessThanOrEqualTo(selectorsBefore);
	}

	private void runOneOfEach(LlmStreamService llm) {
		try (ChatCompletionStream stream = llm.stream(TestStreams.request("done"))) {
			assertThat(ids(stream)).containsExactly("c1");
		}
		try (ChatCompletionStream stream = llm.stream(hello())) {
			Iterator<ChatCompletionChunk> iterator = stream.iterator();
			assertThat(iterator.next().id()).isEqualTo("c1");
			stream.cancel();
			assertThat(iterator.hasNext()).isFalse();
		}
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> ids(stream));
		}
	}

	private static long openSockets() throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.filter((fd) -> {
				try {
					return Files.readSymbolicLink(fd).toString().startsWith("socket:");
				}
				catch (IOException ex) {
					return false;
				}
			}).count();
		}
	}

	private static long selectorThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().endsWith("SelectorManager"))
			.count();
	}

	private static Set<Thread> echoLlmThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("echo-llm"))
			.collect(Collectors.toSet());
	}

}
