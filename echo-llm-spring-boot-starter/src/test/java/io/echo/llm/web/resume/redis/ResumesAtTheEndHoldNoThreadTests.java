package io.echo.llm.web.resume.redis;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.web.SseClient;
import io.echo.llm.web.ScriptedUpstreamTests;
import io.echo.llm.web.RelayTestApplication;
import io.echo.llm.web.resume.AbstractResumableRelayTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resumes of a finished reply from its last id, or past it, against a relay whose executor has two threads and no
 * queue: more such resumes than threads, and a new reply asked for meanwhile must still get its answer, not
 * {@code relay_busy}. A resume that waited for events that never come would hold a thread (and, on Redis, a
 * connection) each until the keys expire.
 */
@ExtendWith(LocalRedis.Extension.class)
class ResumesAtTheEndHoldNoThreadTests extends ScriptedUpstreamTests {

	private static final int POOL_SIZE = 2;

	@Test
	void memoryStoreResumesAtAndPastTheEndLeaveThreadsForNewReplies() throws Exception {
		start(Map.of("echo.llm.relay.store", "memory"));
		resumesAtAndPastTheEndLeaveThreadsForNewReplies();
	}

	@Test
	void redisStoreResumesAtAndPastTheEndLeaveThreadsForNewReplies(LocalRedis redis) throws Exception {
		start(Map.of("echo.llm.relay.store", "redis", "spring.data.redis.host", redis.host(), "spring.data.redis.port",
				Integer.toString(redis.port())));
		resumesAtAndPastTheEndLeaveThreadsForNewReplies();
	}

	private void resumesAtAndPastTheEndLeaveThreadsForNewReplies() throws Exception {
		List<SseEvent> finished = chat().rest();
		String streamId = AbstractResumableRelayTests.streamId(finished.get(0));
		URI streamUri = AbstractResumableRelayTests.streamUri(uri(), streamId);
		List<SseClient> resumes = new ArrayList<>();
		try {
			// Left open, as browsers and proxies do: only the server may end them.
			for (int i = 0; i < POOL_SIZE + 1; i++) {
				resumes.add(SseClient.get(streamUri, Map.of("Last-Event-ID", streamId + ":" + finished.size())));
				resumes.add(SseClient.get(streamUri, Map.of("Last-Event-ID", streamId + ":" + (finished.size() + 1 + i))));
			}
			assertThat(newReplyWithinFiveSeconds()).extracting(SseEvent::event).endsWith("done").doesNotContain("error");
			for (SseClient resume : resumes) {
				if (resume.status() == 200) {
					assertThat(AbstractResumableRelayTests.restWithin(resume, 5)).isEmpty();
				}
				else {
					assertThat(resume.status()).isEqualTo(400);
				}
			}
		}
		finally {
			for (SseClient resume : resumes) {
				resume.close();
			}
		}
	}

	/**
	 * A new reply, asked again while the relay says it is busy: a pool thread that just ended a resume may take a
	 * moment to be back waiting for work, but one held by a resume never comes back.
	 */
	private List<SseEvent> newReplyWithinFiveSeconds() throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (true) {
			List<SseEvent> events = chat().rest();
			boolean busy = events.size() == 1 && events.get(0).data().contains("relay_busy");
			if (!busy || System.nanoTime() > deadline) {
				return events;
			}
			TimeUnit.MILLISECONDS.sleep(50);
		}
	}

	private void start(Map<String, Object> store) {
		this.upstream.reset();
		Map<String, Object> properties = new HashMap<>(store);
		properties.put("echo.llm.base-url", this.upstream.baseUrl());
		properties.put("echo.llm.retry.max-attempts", "1");
		properties.put("echo.llm.relay.resumable", "true");
		properties.put("spring.threads.virtual.enabled", "false");
		properties.put("spring.task.execution.pool.core-size", Integer.toString(POOL_SIZE));
		properties.put("spring.task.execution.pool.max-size", Integer.toString(POOL_SIZE));
		properties.put("spring.task.execution.pool.queue-capacity", "0");
		this.instance = RelayTestApplication.start(properties);
	}

	private URI uri() {
		return AbstractResumableRelayTests.uri(this.instance);
	}

	private SseClient chat() {
		return SseClient.post(URI.create(uri() + "/api/chat"), AbstractResumableRelayTests.PROMPT);
	}

}
