/**
 * What the auto-configurations build at run time, kept out of {@code io.echo.llm.autoconfigure} so that it holds only
 * configuration: {@link io.echo.llm.boot.LlmStreamServiceFactory} builds an {@link io.echo.llm.LlmStreamService} per
 * client on Boot's {@code RestClient.Builder}, {@link io.echo.llm.boot.DefaultLlmClients} holds the named clients,
 * {@code CompositeLlmCallListener} fans calls out to every {@link io.echo.llm.LlmCallListener}, and
 * {@link io.echo.llm.boot.RelayExecutorCheck} warns at start-up about an executor that would hold streams back.
 * Public for the auto-configuration; not API.
 */
@NullMarked
package io.echo.llm.boot;

import org.jspecify.annotations.NullMarked;
