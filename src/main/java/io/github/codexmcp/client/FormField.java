package io.github.codexmcp.client;

import java.util.List;

/**
 * One field of a form the user fills in: a choice among {@code options}, or free text when {@code
 * options} is empty.
 *
 * @param name the key of the answer in {@link FormAnswer#values()}
 * @param title short label
 * @param description longer help text, or null
 * @param options the allowed values (an enum); empty for free text
 */
public record FormField(String name, String title, String description, List<String> options) {
  public FormField {
    options = options == null ? List.of() : List.copyOf(options);
  }
}
