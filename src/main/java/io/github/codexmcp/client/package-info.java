/**
 * What the MCP client offers the layers below the server, without the MCP SDK: its log ({@code
 * notifications/message}, at the level the client set) and forms its user fills in ({@code
 * elicitation/create}). The server package implements these interfaces over the SDK session;
 * everything else sees only them.
 */
package io.github.codexmcp.client;
