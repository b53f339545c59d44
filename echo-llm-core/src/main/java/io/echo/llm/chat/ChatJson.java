package io.echo.llm.chat;

import tools.jackson.databind.json.JsonMapper;

/** Skeleton: the shared Jackson 3 mapper for the wire types (the wire-types work configures it). */
public final class ChatJson {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private ChatJson() {
	}

	/** Mapper that reads and writes the wire types; thread-safe, shared. */
	public static JsonMapper mapper() {
		return MAPPER;
	}

}
