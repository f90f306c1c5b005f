package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestMapperTest {
  private static final TypeRef<McpSchema.CallToolRequest> CALL = new TypeRef<>() {};
  private final RequestMapper ours = new RequestMapper(Json.MAPPER);
  private final JacksonMcpJsonMapper jackson = new JacksonMcpJsonMapper(Json.MAPPER);

  private static ObjectNode tree(String json) {
    return (ObjectNode) Json.parse(json.replace('\'', '"'));
  }

  /** What Jackson binds from the same parameters, record for record (maps compared by content). */
  private void sameAsJackson(String params) {
    McpSchema.CallToolRequest expected =
        jackson.convertValue(Json.MAPPER.convertValue(tree(params), Map.class), CALL);
    McpSchema.CallToolRequest actual = ours.convertValue(tree(params), CALL);
    assertEquals(expected.name(), actual.name(), params);
    assertEquals(expected.arguments(), actual.arguments(), params);
    assertEquals(expected.meta(), actual.meta(), params);
    assertEquals(expected.progressToken(), actual.progressToken(), params);
    if (expected.arguments() != null) {
      assertEquals(expected.arguments().hashCode(), actual.arguments().hashCode(), params);
      for (String k : expected.arguments().keySet()) {
        Object e = expected.arguments().get(k);
        Object a = actual.arguments().get(k);
        assertEquals(
            e == null ? null : e.getClass(), a == null ? null : a.getClass(), params + " " + k);
      }
    }
  }

  @Test
  void toolCallParametersAreBoundAsJacksonBindsThem() {
    sameAsJackson("{'name':'codex_session','arguments':{'action':'list'}}");
    sameAsJackson(
        "{'name':'codex_check','arguments':{'action':'poll','sessionId':'sess_1','cursor':12,'big':12345678901,"
            + "'maxEvents':10000,'ratio':0.5,'flag':true,'none':null,'obj':{'k':[1,'x',{'y':false}]},'list':[1,2]},"
            + "'_meta':{'progressToken':'tok','codex-mcp/requestId':7}}");
    sameAsJackson("{'name':'codex','arguments':{},'_meta':{'progressToken':42}}");
    sameAsJackson("{'name':'codex'}");
    sameAsJackson("{'name':'codex','arguments':null,'_meta':null,'unknown':[1]}");
  }

  @Test
  void argumentsKeepTheirTreeForTheAdapter() {
    ObjectNode params = tree("{'name':'codex','arguments':{'prompt':'hi','n':1}}");
    McpSchema.CallToolRequest r = ours.convertValue(params, CALL);
    TreeBackedMap args = assertInstanceOf(TreeBackedMap.class, r.arguments());
    assertSame(params.get("arguments"), args.tree());
    assertEquals(2, args.size());
    assertTrue(args.containsKey("prompt"));
    assertEquals("hi", args.get("prompt"));
    assertEquals(1, args.get("n"));
    assertNull(args.get("missing"));
    assertNull(args.get(3));
    assertThrows(UnsupportedOperationException.class, () -> args.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> args.entrySet().clear());
  }

  @Test
  void otherShapesAreLeftToJackson() {
    for (String params :
        List.of(
            "{'arguments':{}}",
            "{'name':7,'arguments':{}}",
            "{'name':'codex','arguments':[1]}",
            "{'name':'codex','arguments':'text'}",
            "{'name':'codex','_meta':3}")) {
      assertNull(RequestMapper.callToolRequest(tree(params)), params);
    }
    // Jackson's own binding of a missing name (the SDK's default), as before
    assertEquals("", ours.convertValue(tree("{'arguments':{}}"), CALL).name());
    // other requests are Jackson's
    McpSchema.ReadResourceRequest read =
        ours.convertValue(
            tree("{'uri':'codex-mcp:///server-info'}"),
            new TypeRef<McpSchema.ReadResourceRequest>() {});
    assertEquals("codex-mcp:///server-info", read.uri());
  }

  @Test
  void onlyToolCallsWithStringOrIntegerIdsSkipDataBinding() {
    McpSchema.JSONRPCRequest r =
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':'2.0','id':5,'method':'tools/call','params':{'name':'x'}}"),
            "tools/call");
    assertNotNull(r);
    assertEquals(5, r.id());
    assertEquals("2.0", r.jsonrpc());
    assertInstanceOf(ObjectNode.class, r.params());
    assertEquals(
        12345678901L,
        StdioTransportProvider.toolCall(
                tree("{'jsonrpc':'2.0','id':12345678901,'method':'tools/call','params':{}}"),
                "tools/call")
            .id());
    assertEquals(
        "a",
        StdioTransportProvider.toolCall(
                tree("{'jsonrpc':'2.0','id':'a','method':'tools/call','params':{}}"), "tools/call")
            .id());
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'id':'a','method':'tools/call','params':{}}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':' ','id':'a','method':'tools/call','params':{}}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':'2.0','id':1.5,'method':'tools/call','params':{}}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':'2.0','id':1,'method':'tools/call','params':[]}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':'2.0','id':1,'method':'tools/call'}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'id':1,'jsonrpc':2,'method':'tools/call','params':{}}"), "tools/call"));
    assertNull(
        StdioTransportProvider.toolCall(
            tree("{'jsonrpc':'2.0','id':1,'method':'tools/list','params':{}}"), "tools/list"));
  }
}
