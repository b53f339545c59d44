package io.echo.llm.chat;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared Jackson 3 mapper for the wire types of this package.
 * <p>
 * The wire types bind themselves (their {@code @JsonSerialize}/{@code @JsonDeserialize} name a codec), so any
 * {@code JsonMapper}, such as the one of a {@code RestClient}, reads and writes them the same way; this one is here so
 * that callers need not build their own. Reading then writing a value gives back the JSON it was read from, field for
 * field: fields a type does not model are kept in its {@code extra()} map, explicit {@code null}s stay {@code null},
 * and a value of an unexpected JSON type (a numeric error {@code code}) is written as it came.
 * <pre>{@code
 * ChatCompletionChunk chunk = ChatJson.mapper().readValue(data, ChatCompletionChunk.class);
 * String json = ChatJson.mapper().writeValueAsString(chunk);
 * }</pre>
 */
public final class ChatJson {

	// A recycler pool cheaper per parser than Jackson's default: see StripedRecyclerPool. Nothing else differs from
	// JsonMapper.builder().build().
	private static final JsonMapper MAPPER = JsonMapper
		.builder(JsonFactory.builder().recyclerPool(new StripedRecyclerPool()).build())
		.build();

	private ChatJson() {
	}

	/**
	 * Returns the mapper that reads and writes the wire types.
	 * @return the mapper; thread-safe and shared, do not reconfigure it
	 */
	public static JsonMapper mapper() {
		return MAPPER;
	}

}
