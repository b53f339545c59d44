package io.echo.llm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpServer;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.http.ApacheHttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.chunkJson;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.finishEvent;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the Apache HttpClient 5 transport must add to the engine's guarantees (which every engine test checks over
 * it, and again over the JDK client): no connection limit that queues streams unseen, and connections reused.
 */
class ApacheTransportTests extends RawServerSupport {

	// Apache's own defaults are 5 connections per host and 25 in all.
	private static final int STREAMS = 30;

	// Not the common pool: with one worker (two cores, Java 25) a blocked reader would hold up the next task.
	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void concurrentStreamsToOneHostAreNotHeldBackByAConnectionLimit() throws Exception {
		this.server = heldOpenAfterOneChunk();
		LlmStreamService llm = apacheClient(this.server.baseUrl()).firstChunkTimeout(Duration.ofSeconds(10)).build();
		List<ChatCompletionStream> streams = new ArrayList<>();
		try {
			for (int i = 0; i < STREAMS; i++) {
				ChatCompletionStream stream = llm.stream(hello());
				streams.add(stream);
				Iterator<ChatCompletionChunk> chunks = stream.iterator();
				assertThat(chunks.next().id()).isEqualTo("c1");
			}
			assertThat(this.server.connections()).isEqualTo(STREAMS);
		}
		finally {
			streams.forEach(ChatCompletionStream::cancel);
		}
	}

	@Test
	void aResponseReadToItsEndLeavesItsConnectionToTheNextCall() throws Exception {
		String json = chunkJson("r1", "Hi", "stop").replace("chat.completion.chunk", "chat.completion")
			.replace("\"delta\"", "\"message\"");
		Set<Integer> connections = connectionsUsed("application/json", json, (llm) -> {
			assertThat(llm.complete(hello()).text()).isEqualTo("Hi");
		});
		assertThat(connections).hasSize(1);
	}

	@Test
	void aStreamEndedByDoneLeavesItsConnectionToTheNextCall() throws Exception {
		String events = chunkEvent("c1", "Hi") + finishEvent("c2") + "data: [DONE]\n\n";
		Set<Integer> connections = connectionsUsed("text/event-stream", events, (llm) -> {
			try (ChatCompletionStream stream = llm.stream(hello())) {
				assertThat(ids(stream)).containsExactly("c1", "c2");
			}
		});
		assertThat(connections).hasSize(1);
	}

	/**
	 * Makes three calls through one client to a keep-alive server that answers each with the given body, chunked
	 * (ended by the chunked terminator, as providers end a stream), and returns the client ports it saw.
	 */
	private static Set<Integer> connectionsUsed(String contentType, String body, Consumer<LlmStreamService> call)
			throws Exception {
		Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
		HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		http.createContext("/v1/chat/completions", (exchange) -> {
			clientPorts.add(exchange.getRemoteAddress().getPort());
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().set("Content-Type", contentType);
			exchange.sendResponseHeaders(200, 0);
			try (var out = exchange.getResponseBody()) {
				out.write(body.getBytes(StandardCharsets.UTF_8));
			}
		});
		http.start();
		try {
			LlmStreamService llm = apacheClient("http://127.0.0.1:" + http.getAddress().getPort() + "/v1").build();
			for (int i = 0; i < 3; i++) {
				call.accept(llm);
			}
			return clientPorts;
		}
		finally {
			http.stop(0);
		}
	}

	@Test
	void anApacheClientBuiltWithoutTheHookIsStillCancelledAtOnceInABodyRead() throws Exception {
		Reading reading = readAfterFirstChunk(new HttpComponentsClientHttpRequestFactory(), Duration.ZERO);
		// cancel() itself must return at once too: closing Apache's body stream would read the rest of the body.
		CompletableFuture.runAsync(reading.stream()::cancel, this.threads).get(5, TimeUnit.SECONDS);
		assertThat(reading.hasNext().get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void anApacheClientBuiltWithoutTheHookStillTimesOutWhenIdle() throws Exception {
		Reading reading = readAfterFirstChunk(new HttpComponentsClientHttpRequestFactory(), Duration.ofMillis(200));
		assertThatThrownBy(() -> reading.hasNext().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(LlmTimeoutException.class);
		assertThat(this.server.awaitClientClose(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aClientWhoseStreamsBlockOnCloseDoesNotHoldUpOtherStreamsTimeouts() throws Exception {
		// HttpURLConnection: closing its chunked body waits for the lock that a blocked read holds.
		readAfterFirstChunk(new SimpleClientHttpRequestFactory(), Duration.ofMillis(100));
		LlmStreamService other = client(this.server.baseUrl()).idleTimeout(Duration.ofMillis(500)).build();
		Iterator<ChatCompletionChunk> chunks = other.stream(hello()).iterator();
		assertThat(chunks.next().id()).isEqualTo("c1");
		CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(chunks::hasNext, this.threads);
		assertThatThrownBy(() -> reader.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LlmTimeoutException.class);
	}

	@Test
	void cancellingStreamsOfAClientWhoseStreamsBlockOnCloseStartsABoundedNumberOfThreads() throws Exception {
		// Each cancel hands the blocking close to another thread; one new thread per cancel piled up while the
		// server held the connections open.
		List<Reading> readings = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			readings.add(readAfterFirstChunk(new SimpleClientHttpRequestFactory(), Duration.ZERO));
		}
		for (Reading reading : readings) {
			reading.stream().cancel();
		}
		long abortThreads = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("echo-llm-abort"))
			.count();
		assertThat(abortThreads).isBetween(1L, 4L);
	}

	/**
	 * Starts a stream over the given client from a server that holds the connection open after one chunk, takes the
	 * chunk, and asks for the next one on another thread.
	 */
	private Reading readAfterFirstChunk(ClientHttpRequestFactory requestFactory, Duration idleTimeout)
			throws Exception {
		if (this.server == null) {
			this.server = heldOpenAfterOneChunk();
		}
		ChatCompletionStream stream = client(this.server.baseUrl()).idleTimeout(idleTimeout)
			.restClient(RestClient.builder().requestFactory(requestFactory))
			.build()
			.stream(hello());
		Iterator<ChatCompletionChunk> chunks = stream.iterator();
		assertThat(chunks.next().id()).isEqualTo("c1");
		return new Reading(stream, CompletableFuture.supplyAsync(chunks::hasNext, this.threads));
	}

	private record Reading(ChatCompletionStream stream, CompletableFuture<Boolean> hasNext) {
	}

	/**
	 * Connections buffer 8 KiB ({@code QuietConnection.HTTP1}): an SSE line several times that long, cut across
	 * chunks and reads inside a 4-byte UTF-8 character, still arrives whole, and so does a header line just under
	 * HttpCore's own line limit (8 KiB, whatever the buffer size).
	 */
	@Test
	void headersAndEventsLongerThanTheConnectionBufferArriveWhole() throws Exception {
		String longToken = "\u00e9\u20ac\uD83D\uDE00-".repeat(5000);
		String event = chunkEvent("c1", longToken);
		byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
		assertThat(bytes.length).isGreaterThan(4 * 8192);
		// Longer than HttpCore's default line limit (8 KiB) too: the JDK client and browsers take it.
		String header = "X-Long: " + "h".repeat(20_000) + "\r\n";
		try (RawHttpServer server = new RawHttpServer((exchange) -> {
			exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + header
					+ "Transfer-Encoding: chunked\r\n\r\n");
			// Cut at odd places, inside the 4-byte character too (8191 is not a character boundary here).
			int cut = 8191;
			exchange.chunk(bytes, 0, cut);
			exchange.chunk(bytes, cut, bytes.length - cut);
			exchange.chunk(finishEvent("c2") + "data: [DONE]\n\n");
			exchange.endBody();
		})) {
			LlmStreamService llm = apacheClient(server.baseUrl()).build();
			StringBuilder text = new StringBuilder();
			try (ChatCompletionStream stream = llm.stream(hello())) {
				for (ChatCompletionChunk chunk : stream) {
					chunk.choices().forEach((choice) -> text.append(choice.delta().text()));
				}
			}
			// Compared without printing 90 KiB on a failure.
			assertThat(text.toString().equals(longToken)).as("the long token arrived whole, %d of %d chars",
					text.length(), longToken.length()).isTrue();
		}
	}

	private static RawHttpServer heldOpenAfterOneChunk() throws Exception {
		return new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			exchange.awaitClientClose();
		});
	}

	private static LlmStreamService.Builder apacheClient(String baseUrl) {
		return client(baseUrl).restClient(RestClient.builder()
			.requestFactory(ApacheHttpClients.requestFactory(Duration.ofSeconds(5))));
	}

}
