package io.echo.llm.chat;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Extra fields {@link WireParserReader} read from a parser for one record: the map and its nodes are referenced by
 * nothing else, so the record's constructor keeps the map rather than copying it ({@link WireValues#copyExtra}). The
 * type is not visible outside the package, so no user can pass one, and only that reader makes one; a record
 * keeps it only once ({@link #keep}), so an accessor that passes the map on to {@code copyExtra} again copies it.
 * <p>
 * Most records of a chunk have one to three extras (explicit nulls, a provider field), and a hash map with its table
 * and entries was about a fifth of the bytes allocated per chunk: this map is two arrays in insertion order, with a
 * hash index only beyond {@value #INDEXED} fields (so a hostile object with many fields costs no quadratic time). It
 * behaves as the {@code LinkedHashMap} it replaces wrapped unmodifiable: {@link #add} keeps the place of a name
 * already there, {@link #removeName} drops one, and both are the package's only mutators ({@code put},
 * {@code remove} and the views' removals throw {@link UnsupportedOperationException}).
 */
final class OwnedExtra extends AbstractMap<String, JsonNode> {

	private static final int INDEXED = 8;

	private String[] names = new String[4];

	private JsonNode[] values = new JsonNode[4];

	private int size;

	/** Position by name, once there are more than {@value #INDEXED} fields. */
	private @Nullable Map<String, Integer> index;

	/** Whether a record keeps this map: only the first, which the reader built it for. */
	private boolean kept;

	OwnedExtra() {
	}

	/** Claims the map for the record being constructed: true the first time only. */
	boolean keep() {
		boolean first = !this.kept;
		this.kept = true;
		return first;
	}

	/** Adds a field, or replaces the value of one already there (it keeps its place, as in a LinkedHashMap). */
	void add(String name, JsonNode value) {
		int at = find(name);
		if (at >= 0) {
			this.values[at] = value;
			return;
		}
		if (this.size == this.names.length) {
			this.names = Arrays.copyOf(this.names, this.size * 2);
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.names[this.size] = name;
		this.values[this.size] = value;
		this.size++;
		if (this.index != null) {
			this.index.put(name, this.size - 1);
		}
		else if (this.size > INDEXED) {
			Map<String, Integer> positions = new HashMap<>(this.size * 4);
			for (int i = 0; i < this.size; i++) {
				positions.put(this.names[i], i);
			}
			this.index = positions;
		}
	}

	/** Removes a field if there. */
	void removeName(String name) {
		int at = find(name);
		if (at < 0) {
			return;
		}
		int after = this.size - at - 1;
		System.arraycopy(this.names, at + 1, this.names, at, after);
		System.arraycopy(this.values, at + 1, this.values, at, after);
		this.size--;
		this.names[this.size] = null;
		this.values[this.size] = null;
		if (this.index != null) {
			this.index.remove(name);
			for (int i = at; i < this.size; i++) {
				this.index.put(this.names[i], i);
			}
		}
	}

	private int find(@Nullable Object name) {
		if (this.index != null) {
			Integer at = this.index.get(name);
			return (at != null) ? at : -1;
		}
		for (int i = 0; i < this.size; i++) {
			if (this.names[i].equals(name)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public boolean containsKey(@Nullable Object key) {
		return find(key) >= 0;
	}

	@Override
	public @Nullable JsonNode get(@Nullable Object key) {
		int at = find(key);
		return (at >= 0) ? this.values[at] : null;
	}

	@Override
	public Set<Entry<String, JsonNode>> entrySet() {
		return new AbstractSet<>() {

			@Override
			public int size() {
				return OwnedExtra.this.size;
			}

			@Override
			public Iterator<Entry<String, JsonNode>> iterator() {
				return new Iterator<>() {

					private int next;

					@Override
					public boolean hasNext() {
						return this.next < OwnedExtra.this.size;
					}

					@Override
					public Entry<String, JsonNode> next() {
						if (!hasNext()) {
							throw new NoSuchElementException();
						}
						int at = this.next++;
						return new SimpleImmutableEntry<>(OwnedExtra.this.names[at], OwnedExtra.this.values[at]);
					}

				};
			}

		};
	}

}
