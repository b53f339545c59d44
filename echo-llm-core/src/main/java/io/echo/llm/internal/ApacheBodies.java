package io.echo.llm.internal;

import java.io.IOException;
import java.io.InputStream;

import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The abort handle of an Apache HttpClient 5 response body: dropping its connection (closing the socket) returns at
 * once and wakes a reader blocked in it, where closing the stream would read the rest of the body first.
 */
final class ApacheBodies {

	private static final boolean PRESENT = ClassUtils.isPresent("org.apache.hc.core5.http.io.EofSensorInputStream",
			ApacheBodies.class.getClassLoader());

	private ApacheBodies() {
	}

	/** The handle for an Apache body stream, else {@code null}. */
	static @Nullable Runnable abortHandle(InputStream body) {
		return PRESENT ? Apache.abortHandle(body) : null;
	}

	/** Kept apart so that nothing loads Apache's classes when they are absent. */
	private static final class Apache {

		static @Nullable Runnable abortHandle(InputStream body) {
			if (!(body instanceof EofSensorInputStream stream)) {
				return null;
			}
			return () -> {
				try {
					stream.abort();
				}
				catch (IOException ex) {
					// Dropping the connection is all we wanted; a failure means it is gone already.
				}
			};
		}

	}

}
