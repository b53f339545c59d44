package io.echo.llm.web.resume.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.echo.llm.web.resume.LlmStreamStore.Batch;
import io.echo.llm.web.resume.LlmStreamStore.StoredEvent;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * Reads the records of a stream's Redis stream back into events. An event is the record {@code <n>-0} with fields
 * {@code e} (its name) and {@code d} (its data); a record whose id does not end in {@code -0} marks the end. Stateless.
 */
final class RedisRecords {

	private RedisRecords() {
	}

	/**
	 * The events of {@code records}, up to the end record, and how many were missed between {@code after} and the
	 * first one (trimmed by retention).
	 */
	static Batch toBatch(List<ByteRecord> records, long after) {
		List<StoredEvent> events = new ArrayList<>(records.size());
		long missed = -1;
		boolean finished = false;
		for (ByteRecord record : records) {
			long sequence = record.getId().getTimestamp();
			if (missed < 0) {
				missed = Math.max(0, ((record.getId().getSequence() == 0) ? sequence : sequence + 1) - after - 1);
			}
			if (record.getId().getSequence() != 0) {
				finished = true;
				break;
			}
			events.add(toEvent(sequence, record.getValue()));
		}
		return new Batch(events, missed, finished);
	}

	private static StoredEvent toEvent(long sequence, Map<byte[], byte[]> fields) {
		String event = "";
		String data = "";
		for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
			String value = new String(field.getValue(), StandardCharsets.UTF_8);
			if (field.getKey().length == 1 && field.getKey()[0] == 'e') {
				event = value;
			}
			else if (field.getKey().length == 1 && field.getKey()[0] == 'd') {
				data = value;
			}
		}
		return new StoredEvent(sequence, event, data);
	}

}
