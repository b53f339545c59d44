package io.echo.llm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatCompletionResponse;
import io.echo.llm.chat.Usage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.finishEvent;
import static io.echo.llm.TestStreams.hello;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The listener sees start, retries, timeouts and chunks, and exactly one end, whichever way a call ends. */
@Timeout(20)
class LlmCallListenerTests extends RawServerSupport {

	private final Recorder recorder = new Recorder();

	private LlmStreamService llm() {
		return client(this.server.baseUrl()).clientName("primary").listener(this.recorder).build();
	}

	@Test
	void successfulStreamEndsOnceWithSuccess() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders()
			.chunk(chunkEvent("c1", "Hi"))
			.chunk(finishEvent("c2"))
			.chunk("data: [DONE]\n\n")
			.endBody());
		try (ChatCompletionStream stream = llm().stream(hello())) {
			ids(stream);
		}
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "firstChunk",
				"chunk c1", "chunk c2", "end SUCCESS");
	}

	@Test
	void failedStreamEndsOnceWithTheError() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders().chunk(chunkEvent("c1", "Hi")).endBody());
		try (ChatCompletionStream stream = llm().stream(hello())) {
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(() -> ids(stream));
			stream.cancel();
		}
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "firstChunk",
				"chunk c1", "end ERROR LlmTruncatedStreamException");
	}

	@Test
	void cancelledStreamEndsOnceWithCancelledHoweverOftenItIsCancelledAndClosed() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			exchange.awaitClientClose();
		});
		ChatCompletionStream stream = llm().stream(hello());
		assertThat(stream.iterator().next().id()).isEqualTo("c1");
		stream.cancel();
		stream.cancel();
		stream.close();
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "firstChunk",
				"chunk c1", "end CANCELLED");
	}

	@Test
	void startNamesTheServerOfTheBaseUrlWithoutItsUserInfo() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders().chunk("data: [DONE]\n\n").endBody());
		String withUserInfo = this.server.baseUrl().replace("http://", "http://user:s3cret@");
		try (ChatCompletionStream stream = client(withUserInfo).listener(this.recorder).build().stream(hello())) {
			ids(stream);
		}
		catch (LlmException ex) {
			// Whether the client sends user info does not matter here: the call started.
		}
		LlmCallListener.CallInfo info = this.recorder.infos.get(0);
		assertThat(info.serverAddress()).isEqualTo("127.0.0.1");
		assertThat(info.serverPort()).isEqualTo(Integer.parseInt(this.server.baseUrl().replaceAll(".*:(\\d+)/v1", "$1")));
		assertThat(info.toString()).doesNotContain("s3cret");
	}

	@Test
	void closingAFinishedStreamDoesNotEndItAgain() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange.sseHeaders().chunk("data: [DONE]\n\n").endBody());
		ChatCompletionStream stream = llm().stream(hello());
		assertThat(ids(stream)).isEmpty();
		stream.close();
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "end SUCCESS");
	}

	@Test
	void retriesAndTimeoutsAreReportedBeforeTheEnd() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders();
			exchange.awaitClientClose();
		});
		LlmStreamService llm = client(this.server.baseUrl()).clientName("primary")
			.listener(this.recorder)
			.firstChunkTimeout(Duration.ofMillis(200))
			.maxAttempts(2)
			.build();
		try (ChatCompletionStream stream = llm.stream(hello())) {
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> ids(stream));
		}
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming",
				"timeout FIRST_CHUNK", "retry 1 LlmTimeoutException", "timeout FIRST_CHUNK",
				"end ERROR LlmTimeoutException");
	}

	@Test
	void failureBeforeTheStreamOpensEndsTheCallOnce() throws Exception {
		this.server = new RawHttpServer((exchange) -> exchange
			.raw("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
		assertThatExceptionOfType(LlmApiException.class).isThrownBy(() -> llm().stream(hello()));
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming",
				"end ERROR LlmApiException");
	}

	@Test
	void cancelRacingTheReaderStillEndsOnce() throws Exception {
		CountDownLatch sent = new CountDownLatch(1);
		this.server = new RawHttpServer((exchange) -> {
			exchange.sseHeaders().chunk(chunkEvent("c1", "Hi"));
			sent.countDown();
			exchange.awaitClientClose();
		});
		ChatCompletionStream stream = llm().stream(hello());
		assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
		stream.cancel();
		assertThat(ids(stream)).isEmpty();
		assertThat(this.recorder.events).containsExactly("start primary test-model streaming", "end CANCELLED");
	}

	@Test
	void completeReportsTheResponseWithItsUsageBeforeTheEnd() throws Exception {
		String json = "{\"id\":\"r1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
				+ "{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
				+ "{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";
		this.server = new RawHttpServer((exchange) -> exchange.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json"
				+ "\r\nContent-Length: " + json.length() + "\r\n\r\n" + json));
		assertThat(llm().complete(hello()).usage().totalTokens()).isEqualTo(12);
		assertThat(this.recorder.events).containsExactly("start primary test-model blocking", "response usage 5+7",
				"end SUCCESS");
	}

	/** Records every listener call as a line of text. */
	static final class Recorder implements LlmCallListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		final List<CallInfo> infos = new CopyOnWriteArrayList<>();

		@Override
		public Call start(CallInfo info) {
			this.infos.add(info);
			this.events.add("start " + info.clientName() + " " + info.model() + " "
					+ (info.streaming() ? "streaming" : "blocking"));
			return new Call() {

				@Override
				public void retry(int failedAttempt, Throwable cause) {
					Recorder.this.events.add("retry " + failedAttempt + " " + cause.getClass().getSimpleName());
				}

				@Override
				public void timeout(LlmTimeoutException.Kind kind) {
					Recorder.this.events.add("timeout " + kind);
				}

				@Override
				public void firstChunk() {
					Recorder.this.events.add("firstChunk");
				}

				@Override
				public void chunk(ChatCompletionChunk chunk) {
					Recorder.this.events.add("chunk " + chunk.id());
				}

				@Override
				public void skippedEvent() {
					Recorder.this.events.add("skipped");
				}

				@Override
				public void response(ChatCompletionResponse response) {
					Usage usage = response.usage();
					Recorder.this.events.add("response usage "
							+ ((usage != null) ? usage.promptTokens() + "+" + usage.completionTokens() : "none"));
				}

				@Override
				public void end(Outcome outcome, @Nullable LlmException error) {
					Recorder.this.events.add("end " + outcome + ((error != null) ? " " + error.getClass().getSimpleName() : ""));
				}

			};
		}

	}

}
