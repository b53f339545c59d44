package io.echo.llm.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ways of handing one stream's bytes to an {@link SseParser}, each returning the events it dispatched, and the
 * bytes and events the tests build.
 */
final class SseFeeding {

	private SseFeeding() {
	}

	static List<SseEvent> whole(byte[] input) {
		return inChunks(List.of(input));
	}

	static List<SseEvent> splitAt(byte[] input, int point) {
		return inChunks(List.of(Arrays.copyOfRange(input, 0, point), Arrays.copyOfRange(input, point, input.length)));
	}

	static List<SseEvent> byteByByte(byte[] input) {
		List<SseEvent> events = new ArrayList<>();
		SseParser parser = new SseParser(events::add);
		for (int i = 0; i < input.length; i++) {
			parser.feed(input, i, 1);
		}
		parser.finish();
		return events;
	}

	static List<SseEvent> inChunks(List<byte[]> chunks) {
		List<SseEvent> events = new ArrayList<>();
		SseParser parser = new SseParser(events::add);
		for (byte[] chunk : chunks) {
			parser.feed(chunk, 0, chunk.length);
		}
		parser.finish();
		return events;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		parts.forEach(out::writeBytes);
		return out.toByteArray();
	}

	static SseEvent message(String data) {
		return new SseEvent(SseEvent.DEFAULT_EVENT, data, "");
	}

}
