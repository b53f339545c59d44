package io.echo.llm.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TransportChoiceTests {

	@Test
	void apacheWhenPresentUnlessPinnedToTheJdkClient() {
		assertThat(TransportChoice.useApache("", true)).isTrue();
		assertThat(TransportChoice.useApache("", false)).isFalse();
		assertThat(TransportChoice.useApache(" JDK ", true)).isFalse();
		assertThat(TransportChoice.useApache("apache", true)).isTrue();
	}

	@Test
	void aPinnedClientThatIsMissingOrUnknownIsAClearError() {
		assertThatIllegalStateException().isThrownBy(() -> TransportChoice.useApache("apache", false))
			.withMessage("-Decho.llm.http-client=apache, but org.apache.httpcomponents.client5:httpclient5 is not on"
					+ " the class path");
		assertThatIllegalStateException().isThrownBy(() -> TransportChoice.useApache("okhttp", true))
			.withMessage("-Decho.llm.http-client=okhttp is not a known HTTP client: use apache or jdk");
	}

}
