package io.echo.llm.internal;

import java.util.Locale;

import org.springframework.util.ClassUtils;

/** Which HTTP client the engine streams over when the caller gives it no {@code RestClient.Builder}. */
final class TransportChoice {

	/** System property that pins the default client: {@code apache} or {@code jdk}; unset means detect. */
	static final String PROPERTY = "echo.llm.http-client";

	private static final String APACHE_CLIENT = "org.apache.hc.client5.http.impl.classic.HttpClientBuilder";

	private TransportChoice() {
	}

	/**
	 * Whether to use Apache HttpClient 5: when it is on the class path, unless the property says {@code jdk}.
	 * @throws IllegalStateException when the property names a client that is missing or unknown
	 */
	static boolean useApache() {
		return useApache(System.getProperty(PROPERTY, ""),
				ClassUtils.isPresent(APACHE_CLIENT, TransportChoice.class.getClassLoader()));
	}

	static boolean useApache(String property, boolean present) {
		String choice = property.trim().toLowerCase(Locale.ROOT);
		switch (choice) {
			case "":
				return present;
			case "jdk":
				return false;
			case "apache":
				if (!present) {
					throw new IllegalStateException("-D" + PROPERTY + "=apache, but org.apache.httpcomponents.client5:"
							+ "httpclient5 is not on the class path");
				}
				return true;
			default:
				throw new IllegalStateException(
						"-D" + PROPERTY + "=" + choice + " is not a known HTTP client: use apache or jdk");
		}
	}

}
