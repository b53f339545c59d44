package io.echo.llm.benchmarks.decode;

import java.util.concurrent.TimeUnit;

import io.echo.llm.benchmarks.fixtures.Fixtures;
import io.echo.llm.benchmarks.fixtures.Fixtures.DecodeInput;
import io.echo.llm.chat.ChatCompletionChunk;
import io.echo.llm.chat.ChatJson;
import io.echo.llm.internal.Decoding;
import io.echo.llm.sse.SseParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;

/**
 * Figure 1: decoding from memory, per chunk. {@code engineDecode} turns raw SSE bytes into {@link ChatCompletionChunk}
 * objects exactly as the engine does ({@link SseParser}, then the engine's own event decoding), fed whole or in 4 KiB,
 * 64 B and 1 B pieces; {@code jacksonAlone} is the floor: the shared {@link ChatJson} mapper reading the same JSON
 * payloads already split out. {@code sseParserAndJackson} (the parser, then one {@code readValue} per event) and
 * {@code sseParserAlone} show where the time goes. The input is the real
 * transcripts' JSON events, cycled to {@value #EVENTS} events (about 190 KiB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {

	static final int EVENTS = 1000;

	private static final JsonMapper MAPPER = ChatJson.mapper();

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void jacksonAlone(Input input, Blackhole blackhole) {
		for (String payload : input.payloads) {
			blackhole.consume(MAPPER.readValue(payload, ChatCompletionChunk.class));
		}
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void sseParserAndJackson(Input input, Split split, Blackhole blackhole) {
		SseParser parser = new SseParser(
				(event) -> blackhole.consume(MAPPER.readValue(event.data(), ChatCompletionChunk.class)));
		split.feed(parser, input.sse);
		parser.finish();
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void engineDecode(Input input, Split split, Blackhole blackhole) {
		// One decoder per stream, released after each piece as a stream does once a read's events are decoded.
		Decoding.Decoder decoder = Decoding.decoder();
		SseParser parser = new SseParser((event) -> blackhole.consume(decoder.decode(event)));
		split.feed(parser, input.sse, decoder::release);
		parser.finish();
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void sseParserAlone(Input input, Split split, Blackhole blackhole) {
		SseParser parser = new SseParser(blackhole::consume);
		split.feed(parser, input.sse);
		parser.finish();
	}

	/** The same events as SSE bytes and as JSON strings. */
	@State(Scope.Benchmark)
	public static class Input {

		byte[] sse;

		String[] payloads;

		@Setup
		public void load() {
			DecodeInput input = Fixtures.load().decodeInput(EVENTS);
			this.sse = input.sse();
			this.payloads = input.payloads().toArray(String[]::new);
		}

	}

	/** How the bytes reach the parser: all at once, or in pieces as a socket would hand them over. */
	@State(Scope.Benchmark)
	public static class Split {

		@Param({ "whole", "4096", "64", "1" })
		public String piece;

		private int size;

		@Setup
		public void parse() {
			this.size = "whole".equals(this.piece) ? Integer.MAX_VALUE : Integer.parseInt(this.piece);
		}

		void feed(SseParser parser, byte[] bytes) {
			feed(parser, bytes, () -> {
			});
		}

		void feed(SseParser parser, byte[] bytes, Runnable afterEachPiece) {
			for (int offset = 0; offset < bytes.length; offset += this.size) {
				parser.feed(bytes, offset, Math.min(this.size, bytes.length - offset));
				afterEachPiece.run();
			}
		}

	}

}
