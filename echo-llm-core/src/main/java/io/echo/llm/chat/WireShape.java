package io.echo.llm.chat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;

/**
 * What the {@link WireCodec} knows of one wire record type: its components by position and by JSON name, its
 * {@code extra} field and its canonical constructor. Built once per type ({@link #of}) and shared by all threads:
 * immutable but for two hints to the reader (the name instances seen, the names to expect), written without locking,
 * whose staleness only costs a slower lookup.
 */
final class WireShape {

	private static final ClassValue<WireShape> SHAPES = new ClassValue<>() {

		@Override
		protected WireShape computeValue(Class<?> type) {
			return new WireShape(type);
		}

	};

	/** The components but {@code extra}, in constructor order: a component's index is its {@code position}. */
	final List<WireComponent> components = new ArrayList<>();

	final Map<String, WireComponent> byName = new HashMap<>();

	/**
	 * By position, the last name instance a parser gave for the component: Jackson hands out one canonical
	 * instance per name, so {@link #component} finds it by identity before hashing. Written without locking: a
	 * thread that misses a fresh write just takes the map.
	 */
	private final String[] seenNames;

	private final WireComponent[] byPosition;

	/**
	 * By ordinal in the object, the field the last object of this type read there had. Providers send a record's
	 * fields in the same order chunk after chunk, and a parser told the name to expect compares it with the input
	 * instead of hashing it and looking it up (which was about a quarter of decoding). Written without locking: the
	 * entries are immutable, and a thread that misses a fresh write only reads its name the longer way.
	 */
	private final @Nullable Expected[] expected = new Expected[MAX_EXPECTED];

	/**
	 * The positions of the components whose absent value is not null (primitive ints, absent as 0): the only
	 * arguments {@link #construct} has to fill in, instead of asking every component per record.
	 */
	private final int[] nonNullAbsent;

	private final Field extraField;

	/** The canonical constructor taking its arguments as one {@code Object[]}. */
	private final MethodHandle constructor;

	/** A plain constructor call for the hot types ({@link WireConstructors}), else null: the handle is used. */
	private final @Nullable Function<Object[], Object> direct;

	/** Ordinals beyond this read their names without an expectation. */
	private static final int MAX_EXPECTED = 16;

	private WireShape(Class<?> type) {
		if (!type.isRecord()) {
			throw new IllegalStateException(type.getName() + " is not a wire record");
		}
		RecordComponent[] recordComponents = type.getRecordComponents();
		RecordComponent last = recordComponents[recordComponents.length - 1];
		if (!last.getName().equals("extra") || last.getType() != Map.class) {
			throw new IllegalStateException(type.getName() + " must end with a Map<String, JsonNode> extra");
		}
		if (recordComponents.length > Long.SIZE + 1) {
			// The streaming read marks the components it has seen in the bits of a long.
			throw new IllegalStateException(type.getName() + " has more than " + Long.SIZE + " components");
		}
		Class<?>[] types = new Class<?>[recordComponents.length];
		for (int i = 0; i < recordComponents.length; i++) {
			types[i] = recordComponents[i].getType();
			if (i < recordComponents.length - 1) {
				WireComponent component = new WireComponent(type, recordComponents[i], i);
				this.components.add(component);
				this.byName.put(component.jsonName, component);
			}
		}
		this.seenNames = new String[this.components.size()];
		this.byPosition = this.components.toArray(new WireComponent[0]);
		this.nonNullAbsent = this.components.stream()
			.filter((component) -> component.absent() != null)
			.mapToInt((component) -> component.position)
			.toArray();
		this.extraField = WireComponent.field(type, last.getName());
		try {
			// A handle bound once per type: every chunk builds several records, and a reflective
			// newInstance per record showed in the decoding profile.
			this.constructor = MethodHandles.lookup()
				.unreflectConstructor(type.getDeclaredConstructor(types))
				.asSpreader(Object[].class, types.length)
				.asType(MethodType.methodType(Object.class, Object[].class));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("No accessible canonical constructor on " + type.getName(), ex);
		}
		this.direct = WireConstructors.of(type);
	}

	/**
	 * The shape of a wire record type.
	 * @throws IllegalStateException if the type is not a record ending with {@code Map<String, JsonNode> extra}, or
	 * has a component of a type the codec does not support
	 */
	static WireShape of(Class<?> type) {
		return SHAPES.get(type);
	}

	/**
	 * The component of a JSON name, or null for a field the type does not model.
	 * @param from the position to try first: the one after the last match, since providers mostly send the fields
	 * in the order of the record
	 */
	@Nullable WireComponent component(String name, int from) {
		String[] seen = this.seenNames;
		if (from < seen.length && seen[from] == name) {
			return this.byPosition[from];
		}
		for (int i = 0; i < seen.length; i++) {
			if (seen[i] == name) {
				return this.byPosition[i];
			}
		}
		WireComponent component = this.byName.get(name);
		if (component != null) {
			seen[component.position] = name;
		}
		return component;
	}

	/** The field the last object of this type had at the ordinal, or null. */
	@Nullable Expected expected(int ordinal) {
		return (ordinal < MAX_EXPECTED) ? this.expected[ordinal] : null;
	}

	/** Remembers the field an object had at the ordinal, to expect it there in the next one. */
	void expect(int ordinal, String name, @Nullable WireComponent component) {
		if (ordinal < MAX_EXPECTED) {
			this.expected[ordinal] = new Expected(new SerializedString(name), component);
		}
	}

	/** A new argument array for {@link #construct}: one slot per component, and the last for {@code extra}. */
	Object[] newArgs() {
		return new Object[this.components.size() + 1];
	}

	@SuppressWarnings("unchecked")
	Map<String, JsonNode> extra(Object record) {
		try {
			return (Map<String, JsonNode>) this.extraField.get(record);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Builds the record from the components read (absent ones take their absent value) and the extra fields. */
	Object construct(Object[] args, @Nullable Map<String, JsonNode> extra) {
		for (int position : this.nonNullAbsent) {
			if (args[position] == null) {
				args[position] = this.byPosition[position].absent();
			}
		}
		args[args.length - 1] = (extra != null) ? extra : Map.of();
		if (this.direct != null) {
			return this.direct.apply(args);
		}
		try {
			return (Object) this.constructor.invokeExact(args);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A field name to expect, as the parser compares it, and its component.
	 *
	 * @param name the name
	 * @param component its component, or {@code null} for a field the type does not model
	 */
	record Expected(SerializedString name, @Nullable WireComponent component) {
	}

}
