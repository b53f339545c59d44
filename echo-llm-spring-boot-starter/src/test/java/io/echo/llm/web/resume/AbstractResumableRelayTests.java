package io.echo.llm.web.resume;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.web.SseClient;
import io.echo.llm.web.ScriptedUpstream;
import io.echo.llm.web.RelayTestApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The resumable browser relay end to end: real Tomcat instances, a real upstream on a loopback socket, a real HTTP
 * client that drops its connection. Subclasses choose the store and whether "instance B" is another application
 * sharing it or the same one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractResumableRelayTests {

	public static final String PROMPT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	public static final List<String> TOKENS = IntStream.rangeClosed(1, 12).mapToObj((i) -> "t" + i + " ").toList();

	protected final ScriptedUpstream upstream;

	protected final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	protected AbstractResumableRelayTests() throws IOException {
		this.upstream = new ScriptedUpstream();
	}

	/** Properties that all instances share, with the store's. */
	protected Map<String, Object> properties() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("echo.llm.base-url", this.upstream.baseUrl());
		properties.put("echo.llm.retry.max-attempts", "1");
		properties.put("echo.llm.relay.resumable", "true");
		properties.put("echo.llm.relay.resume-window", "3s");
		return properties;
	}

	protected abstract URI instanceA();

	protected abstract URI instanceB();

	@BeforeEach
	void resetUpstream() {
		this.upstream.reset().tokens(TOKENS);
	}

	@AfterAll
	void stop() throws IOException {
		this.instances.forEach(ConfigurableApplicationContext::close);
		this.upstream.close();
	}

	public static URI uri(ConfigurableApplicationContext instance) {
		return URI.create("http://127.0.0.1:" + RelayTestApplication.port(instance));
	}

	@Test
	void everyEventCarriesStreamIdAndSequenceAndTheFirstNamesTheStream() throws IOException {
		List<SseEvent> events = chat(instanceA()).rest();
		String streamId = streamId(events.get(0));
		assertThat(events.get(0).event()).isEqualTo("stream");
		assertThat(events.get(0).data()).isEqualTo("{\"stream_id\":\"" + streamId + "\"}");
		assertThat(ids(events)).isEqualTo(expectedIds(streamId, events.size()));
		assertThat(events.get(events.size() - 1).event()).isEqualTo("done");
	}

	@Test
	void resumeAfterADroppedConnectionGetsEveryEventExactlyOnce() throws IOException {
		List<SseEvent> uninterrupted = chat(instanceA()).rest();
		int requestsBefore = this.upstream.requests();
		this.upstream.pauseAfter(3);
		List<SseEvent> beforeDrop;
		try (SseClient first = chat(instanceA())) {
			beforeDrop = first.next(4);
		}
		SseEvent last = beforeDrop.get(beforeDrop.size() - 1);
		List<SseEvent> afterResume;
		try (SseClient second = SseClient.get(streamUri(instanceB(), streamId(last)), Map.of("Last-Event-ID", last.id()))) {
			assertThat(second.status()).isEqualTo(200);
			// Only now does the upstream go on: the resumed client gets the rest live, not only from the replay.
			this.upstream.release();
			afterResume = second.rest();
		}
		List<SseEvent> received = new ArrayList<>(beforeDrop);
		received.addAll(afterResume);
		assertThat(ids(received)).isEqualTo(expectedIds(streamId(last), received.size()));
		assertThat(contents(received)).isEqualTo(contents(uninterrupted));
		assertThat(this.upstream.requests()).as("upstream calls for the interrupted reply").isEqualTo(requestsBefore + 1);
	}

	@Test
	void eventSourceReconnectingToTheChatUrlContinuesTheStreamWithoutANewCall() throws Exception {
		List<SseEvent> all = chat(instanceA()).rest();
		int requests = this.upstream.requests();
		SseEvent resumeFrom = all.get(2);
		HttpRequest reconnect = HttpRequest.newBuilder(URI.create(instanceB() + "/api/chat"))
			.header("Content-Type", "application/json")
			.header("Last-Event-ID", resumeFrom.id())
			.POST(HttpRequest.BodyPublishers.ofString(PROMPT))
			.build();
		try (SseClient resumed = SseClient.send(reconnect)) {
			assertThat(resumed.rest()).isEqualTo(all.subList(3, all.size()));
		}
		assertThat(this.upstream.requests()).isEqualTo(requests);
	}

	@Test
	void resumeWithAfterParameterSkipsThatManyEvents() throws IOException {
		List<SseEvent> all = chat(instanceA()).rest();
		String streamId = streamId(all.get(0));
		try (SseClient follower = SseClient.get(URI.create(streamUri(instanceB(), streamId) + "?after=5"), Map.of())) {
			assertThat(follower.rest()).isEqualTo(all.subList(5, all.size()));
		}
	}

	@Test
	void followerOfAFinishedStreamGetsTheWholeReply() throws IOException {
		List<SseEvent> all = chat(instanceA()).rest();
		try (SseClient follower = SseClient.get(streamUri(instanceB(), streamId(all.get(0))), Map.of())) {
			assertThat(follower.rest()).isEqualTo(all);
		}
	}

	@Test
	void severalFollowersGetTheSameLiveReply() throws Exception {
		this.upstream.pauseAfter(2);
		ExecutorService readers = Executors.newFixedThreadPool(2);
		try (SseClient origin = chat(instanceA())) {
			String streamId = streamId(origin.next());
			List<Future<List<SseEvent>>> followers = new ArrayList<>();
			for (URI instance : List.of(instanceA(), instanceB())) {
				SseClient follower = SseClient.get(streamUri(instance, streamId), Map.of());
				followers.add(readers.submit(() -> {
					try (follower) {
						return follower.rest();
					}
				}));
			}
			this.upstream.release();
			List<SseEvent> all = new ArrayList<>(List.of());
			all.addAll(origin.rest());
			for (Future<List<SseEvent>> follower : followers) {
				List<SseEvent> events = follower.get(30, TimeUnit.SECONDS);
				assertThat(ids(events)).isEqualTo(expectedIds(streamId, events.size()));
				assertThat(events).hasSize(all.size() + 1);
			}
		}
		finally {
			readers.shutdownNow();
		}
	}

	@Test
	void stopFromAnyInstanceCancelsTheUpstream() throws Exception {
		this.upstream.holdAfter(2);
		try (SseClient origin = chat(instanceA())) {
			String streamId = streamId(origin.next(3).get(0));
			HttpResponse<String> stop = SseClient.delete(streamUri(instanceB(), streamId));
			assertThat(stop.statusCode()).isEqualTo(202);
			assertThat(this.upstream.awaitClosed(10)).as("upstream saw the close").isTrue();
			List<SseEvent> rest = origin.rest();
			assertThat(rest).extracting(SseEvent::event).containsExactly("done");
			assertThat(rest.get(0).data()).isEqualTo("{\"finish_reason\":\"cancelled\"}");
		}
	}

	@Test
	void clientGoneForTheResumeWindowCancelsTheUpstream() throws Exception {
		this.upstream.holdAfter(2);
		try (SseClient origin = chat(instanceA())) {
			origin.next(3);
		}
		assertThat(this.upstream.awaitClosed(30)).as("upstream saw the close").isTrue();
	}

	@Test
	void resumeFromTheLastIdOfAFinishedReplyEndsAtOnceWithNothingMore() throws Exception {
		List<SseEvent> all = chat(instanceA()).rest();
		SseEvent last = all.get(all.size() - 1);
		try (SseClient resumed = SseClient.get(streamUri(instanceB(), streamId(last)), Map.of("Last-Event-ID", last.id()))) {
			assertThat(resumed.status()).isEqualTo(200);
			// The client already has the done event: the response ends, empty, instead of sending keep-alives.
			assertThat(restWithin(resumed, 5)).isEmpty();
		}
	}

	@Test
	void resumePastTheLastIdOfAFinishedReplyIsABadRequestAtOnce() throws Exception {
		List<SseEvent> all = chat(instanceA()).rest();
		String streamId = streamId(all.get(0));
		String pastTheEnd = streamId + ":" + (all.size() + 5);
		try (SseClient resumed = SseClient.get(streamUri(instanceB(), streamId), Map.of("Last-Event-ID", pastTheEnd))) {
			assertThat(resumed.status()).isEqualTo(400);
			assertThat(resumed.body()).isEqualTo("{\"status\":400,\"code\":\"bad_request\",\"message\":\"Sequence "
					+ (all.size() + 5) + " is past the last event of this reply (" + all.size() + ")\"}");
		}
	}

	@Test
	void eventSourceReconnectingPastTheEndGetsABadRequestEventAtOnce() throws Exception {
		List<SseEvent> all = chat(instanceA()).rest();
		HttpRequest reconnect = HttpRequest.newBuilder(URI.create(instanceB() + "/api/chat"))
			.header("Content-Type", "application/json")
			.header("Last-Event-ID", streamId(all.get(0)) + ":" + (all.size() + 1))
			.POST(HttpRequest.BodyPublishers.ofString(PROMPT))
			.build();
		try (SseClient resumed = SseClient.send(reconnect)) {
			assertThat(restWithin(resumed, 5)).extracting(SseEvent::event, SseEvent::data)
				.containsExactly(tuple("error", "{\"status\":400,\"code\":\"bad_request\",\"message\":\"Sequence "
						+ (all.size() + 1) + " is past the last event of this reply (" + all.size() + ")\"}"));
		}
	}

	@Test
	void followerOfAReplyWhoseUpstreamIsQuietLongerThanTheWriterLeaseKeepsFollowing() throws Exception {
		this.upstream.pauseAfter(2);
		try (SseClient origin = chat(instanceA())) {
			List<SseEvent> first = origin.next(3);
			try (SseClient follower = SseClient.get(streamUri(instanceB(), streamId(first.get(0))),
					Map.of("Last-Event-ID", first.get(2).id()))) {
				// The writer appends nothing for longer than the lease: its keep-alives alone tell the follower it lives.
				long quietUntil = System.nanoTime() + LlmStreamStore.WRITER_LEASE.plusSeconds(2).toNanos();
				while (System.nanoTime() < quietUntil) {
					TimeUnit.MILLISECONDS.sleep(200);
				}
				this.upstream.release();
				List<SseEvent> rest = restWithin(follower, 10);
				assertThat(rest).extracting(SseEvent::event).doesNotContain("error").endsWith("done");
				assertThat(rest).filteredOn((event) -> event.event().equals("token")).hasSize(TOKENS.size() - 2);
			}
		}
	}

	/** Reads the rest of the stream, failing (and dropping the connection) when it has not ended within the deadline. */
	public static List<SseEvent> restWithin(SseClient client, int seconds) throws Exception {
		ExecutorService reader = Executors.newSingleThreadExecutor();
		try {
			Future<List<SseEvent>> rest = reader.submit(client::rest);
			try {
				return rest.get(seconds, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				client.close();
				throw new AssertionError("The stream did not end within " + seconds + " s", ex);
			}
		}
		finally {
			reader.shutdownNow();
		}
	}

	@Test
	void unknownStreamGets404WithAJsonError() throws IOException {
		try (SseClient follower = SseClient.get(streamUri(instanceB(), "unknown"), Map.of())) {
			assertThat(follower.status()).isEqualTo(404);
			assertThat(follower.contentType()).startsWith("application/json");
			assertThat(follower.body()).isEqualTo(
					"{\"status\":404,\"code\":\"stream_not_found\",\"message\":\"This reply is unknown or expired\"}");
		}
		assertThat(SseClient.delete(streamUri(instanceB(), "unknown")).statusCode()).isEqualTo(404);
	}

	@Test
	void lastEventIdOfAnotherStreamIsABadRequest() throws IOException {
		String streamId = streamId(chat(instanceA()).rest().get(0));
		try (SseClient follower = SseClient.get(streamUri(instanceB(), streamId), Map.of("Last-Event-ID", "other:3"))) {
			assertThat(follower.status()).isEqualTo(400);
		}
	}

	@Test
	void openAiFormatIsNotResumable() throws IOException {
		try (SseClient client = SseClient.post(URI.create(instanceA() + "/api/chat/openai"), PROMPT)) {
			List<SseEvent> events = client.rest();
			assertThat(events).extracting(SseEvent::id).containsOnly("");
			assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		}
	}

	public static SseClient chat(URI instance) {
		return SseClient.post(URI.create(instance + "/api/chat"), PROMPT);
	}

	public static URI streamUri(URI instance, String streamId) {
		return URI.create(instance + "/api/chat/streams/" + streamId);
	}

	public static String streamId(SseEvent event) {
		return event.id().substring(0, event.id().lastIndexOf(':'));
	}

	public static List<String> ids(List<SseEvent> events) {
		return events.stream().map(SseEvent::id).toList();
	}

	public static List<String> expectedIds(String streamId, int count) {
		return IntStream.rangeClosed(1, count).mapToObj((i) -> streamId + ":" + i).toList();
	}

	/** Names and data, with the stream id taken out so that two streams of the same reply compare equal. */
	public static List<String> contents(List<SseEvent> events) {
		return events.stream()
			.map((event) -> event.event() + " " + (event.event().equals("stream") ? "" : event.data()))
			.toList();
	}

}
