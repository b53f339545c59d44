package io.echo.llm.internal;

import org.jspecify.annotations.Nullable;

/**
 * Where an HTTP client hook hands the engine the abort handle of the request it is about to execute. The engine
 * marks the thread that sends a request ({@link #sending}); a hook running on that thread inside the client (for
 * Apache HttpClient 5, the exec interceptor that {@link ApacheSetup} installs) calls {@link #register}.
 */
final class AbortHandles {

	private static final ThreadLocal<@Nullable Exchange> SENDING = new ThreadLocal<>();

	private AbortHandles() {
	}

	/**
	 * Gives the exchange whose request the current thread is sending a way to abort it at once from any thread
	 * (closing its connection, so that a blocked read returns). Does nothing outside an engine call.
	 */
	static void register(Runnable abort) {
		Exchange exchange = SENDING.get();
		if (exchange != null) {
			exchange.abortWith(abort);
		}
	}

	/** Marks the current thread as sending the given exchange's request until the returned scope is closed. */
	static Scope sending(Exchange exchange) {
		SENDING.set(exchange);
		return SENDING::remove;
	}

	/** Ends {@link #sending}. */
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
