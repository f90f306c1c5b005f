package io.github.codexmcp.client;

import java.util.List;

/** A form for the user: what is asked and the fields, all required. */
public record FormRequest(String message, List<FormField> fields) {
  public FormRequest {
    fields = List.copyOf(fields);
  }
}
