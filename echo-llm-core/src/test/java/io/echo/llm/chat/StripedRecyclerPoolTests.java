package io.echo.llm.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.core.util.BufferRecycler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapper's recycler pool: a thread gets back the recycler it returned, the pool keeps at most one per slot
 * whatever the number of threads, and parsers on many threads at once read what one thread reads.
 */
class StripedRecyclerPoolTests {

	@Test
	void threadGetsBackTheRecyclerItReturned() {
		StripedRecyclerPool pool = new StripedRecyclerPool();
		BufferRecycler first = pool.acquireAndLinkPooled();
		first.releaseToPool();
		assertThat(pool.acquireAndLinkPooled()).isSameAs(first);
		assertThat(pool.pooledCount()).isZero();
	}

	@Test
	void keepsAtMostOneRecyclerPerSlot() throws Exception {
		StripedRecyclerPool pool = new StripedRecyclerPool();
		int slots = Integer.highestOneBit(Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()) - 1))
				<< 1;
		ExecutorService threads = Executors.newFixedThreadPool(4 * slots);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < 4 * slots; i++) {
				done.add(threads.submit(() -> new BufferRecycler().withPool(pool).releaseToPool()));
			}
			for (Future<?> future : done) {
				future.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(pool.pooledCount()).isPositive().isLessThanOrEqualTo(slots);
		assertThat(pool.clear()).isTrue();
		assertThat(pool.pooledCount()).isZero();
	}

	@Test
	void parsersOnManyThreadsReadWhatOneThreadReads() throws Exception {
		List<String> payloads = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			payloads.add("{\"id\":\"c" + i + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
					+ "\"delta\":{\"content\":\"" + "x".repeat(i) + "\"},\"finish_reason\":null}],\"usage\":null}");
		}
		List<ChatCompletionChunk> expected = new ArrayList<>();
		for (String payload : payloads) {
			expected.add(ChatJson.mapper().readValue(payload, ChatCompletionChunk.class));
		}
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<ChatCompletionChunk>>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				results.add(threads.submit(() -> {
					List<ChatCompletionChunk> read = new ArrayList<>();
					for (int round = 0; round < 20; round++) {
						read.clear();
						for (String payload : payloads) {
							read.add(ChatJson.mapper().readValue(payload, ChatCompletionChunk.class));
						}
					}
					return read;
				}));
			}
			for (Future<List<ChatCompletionChunk>> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}
