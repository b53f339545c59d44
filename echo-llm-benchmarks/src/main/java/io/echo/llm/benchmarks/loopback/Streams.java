package io.echo.llm.benchmarks.loopback;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.echo.llm.benchmarks.fixtures.Fixtures.ContentChunk;
import io.echo.llm.benchmarks.loopback.LoopbackSseServer.ChunkedWriter;
import io.echo.llm.benchmarks.loopback.LoopbackSseServer.Responder;

/** The streams the loopback server plays: real chunks as fast as the socket takes them, or stamped chunks at a pace. */
public final class Streams {

	private static final String HEAD = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
			+ "\"created\":1732916916,\"model\":\"bench\",\"choices\":[";

	static final String FINISH = HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";

	static final String USAGE = HEAD.replace("\"choices\":[", "\"choices\":[],")
			+ "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":%d,\"total_tokens\":%d}}";

	private Streams() {
	}

	/**
	 * {@code count} chunks: a role chunk, {@code count - 3} real content chunks cycled from the transcripts, a finish
	 * chunk and a usage chunk, then {@code [DONE]}; framed once so that serving it costs the server only the writes.
	 */
	public static Burst burst(List<ContentChunk> chunks, int count) {
		StringBuilder sse = new StringBuilder(count * 300);
		StringBuilder content = new StringBuilder(count * 8);
		event(sse, HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
		for (int i = 0; i < count - 3; i++) {
			ContentChunk chunk = chunks.get(i % chunks.size());
			event(sse, chunk.json());
			content.append(chunk.content());
		}
		event(sse, FINISH);
		event(sse, String.format(USAGE, count, count + 9));
		event(sse, "[DONE]");
		byte[] body = sse.toString().getBytes(StandardCharsets.UTF_8);
		return new Burst(ChunkedWriter.frame(body, 16 * 1024), body.length, count, count - 3, content.toString());
	}

	/**
	 * {@code count} content chunks, one every {@code intervalNanos}, each carrying {@code "<seq>:<System.nanoTime()>"}
	 * taken just before its write, then a finish chunk, a usage chunk and {@code [DONE]}.
	 */
	public static Responder paced(int count, long intervalNanos) {
		return (out) -> {
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				long due = start + i * intervalNanos;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				String delta = (i == 0) ? "\"role\":\"assistant\",\"content\":\"" : "\"content\":\"";
				String json = HEAD + "{\"index\":0,\"delta\":{" + delta + i + ":" + System.nanoTime()
						+ "\"},\"finish_reason\":null}]}";
				out.writeChunk(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
			}
			out.writeChunk(("data: " + FINISH + "\n\ndata: " + String.format(USAGE, count, count + 9)
					+ "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
		};
	}

	/** The send time stamped into a paced chunk's content, or -1 when the text is not a stamp. */
	public static long stamp(String text) {
		int colon = text.indexOf(':');
		if (colon < 0) {
			return -1;
		}
		try {
			return Long.parseLong(text, colon + 1, text.length(), 10);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static void event(StringBuilder sse, String data) {
		sse.append("data: ").append(data).append("\n\n");
	}

	/**
	 * A pre-framed burst.
	 * @param framed the HTTP chunked body
	 * @param sseBytes bytes of SSE text in it
	 * @param chunks events with a chunk (role, content, finish, usage)
	 * @param contentChunks chunks with content
	 * @param content all content, concatenated
	 */
	public record Burst(byte[] framed, int sseBytes, int chunks, int contentChunks, String content) {

		public Responder responder() {
			return (out) -> out.writeFramed(this.framed);
		}

	}

}
