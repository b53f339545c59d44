package io.echo.llm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jspecify.annotations.Nullable;
import org.springframework.web.client.RestClient;

/**
 * Creates the engine behind {@link LlmStreamService.Builder#build()}. The engine ({@code io.echo.llm.internal})
 * implements this package's types and throws its exceptions; were this package to name the engine's class in turn,
 * the two would form a cycle, and neither could be read or changed without the other. So the API finds its one
 * implementation by name, once, as the JDK's API packages find theirs.
 */
final class EngineLookup {

	private static final String ENGINE = "io.echo.llm.internal.DefaultLlmStreamService";

	private static final MethodHandle CONSTRUCTOR = constructor();

	private EngineLookup() {
	}

	static LlmStreamService create(LlmClientSettings settings, RestClient.@Nullable Builder restClient,
			String clientName, LlmCallListener listener) {
		try {
			return (LlmStreamService) CONSTRUCTOR.invoke(settings, restClient, clientName, listener);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			// The constructor declares no checked exception; this is only for the compiler.
			throw new IllegalStateException("Could not create the echo-llm engine", ex);
		}
	}

	private static MethodHandle constructor() {
		MethodType type = MethodType.methodType(void.class, LlmClientSettings.class, RestClient.Builder.class,
				String.class, LlmCallListener.class);
		try {
			Class<?> engine = Class.forName(ENGINE, true, EngineLookup.class.getClassLoader());
			MethodHandle constructor = MethodHandles.publicLookup().findConstructor(engine, type);
			return constructor.asType(type.changeReturnType(LlmStreamService.class));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("The echo-llm engine " + ENGINE + " is missing from the class path: "
					+ "echo-llm-core's jar is incomplete (a shading or minimizing step may have dropped it)", ex);
		}
	}

}
