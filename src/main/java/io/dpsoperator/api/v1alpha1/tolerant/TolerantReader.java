package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Binds a JSON tree to a model class and never fails: when the normal binding fails, the offending
 * field is noted and removed, and binding is tried again, until what is left binds. The result
 * keeps every field that could be read.
 *
 * <p>Problem descriptions may reach conditions, Events and logs, so they never copy secret
 * material: values under a field whose name looks like a key, secret, token or password are
 * withheld, objects and lists are named by their kind only, and strings are cut after {@value
 * #MAX_SHOWN} characters.
 */
public final class TolerantReader {
  static final int MAX_SHOWN = 64;
  private static final int MAX_PROBLEMS = 20;
  private static final List<String> WITHHELD = List.of("key", "secret", "token", "password", "pem");

  private TolerantReader() {}

  /**
   * What a reading gave.
   *
   * @param value the bound value: of the readable class when {@code problems} is empty, else of the
   *     fallback class, holding what could be read
   * @param problems the fields that could not be read
   */
  public record Reading<T>(T value, List<UnreadableSpec.Problem> problems) {}

  /**
   * Binds {@code tree} to {@code readable}; on failure, binds what can be read to {@code fallback}.
   *
   * @param root the name of the tree in problem paths, as {@code spec}
   */
  public static <T> Reading<T> read(
      JsonNode tree,
      DeserializationContext ctxt,
      Class<? extends T> readable,
      Class<? extends T> fallback,
      String root) {
    List<UnreadableSpec.Problem> problems = new ArrayList<>();
    JsonNode work = tree;
    while (problems.size() < MAX_PROBLEMS) {
      try {
        Class<? extends T> type = problems.isEmpty() ? readable : fallback;
        T value = ctxt.readTreeAsValue(work, type);
        return new Reading<>(value, problems);
      } catch (JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        problems.add(problem(work, root, path, targetType(e)));
        if (path.isEmpty() || !work.isContainerNode()) {
          break;
        }
        if (work == tree) {
          work = tree.deepCopy();
        }
        if (!remove(work, path)) {
          break;
        }
      } catch (IOException | RuntimeException e) {
        problems.add(new UnreadableSpec.Problem(root, "unreadable", "the documented shape"));
        break;
      }
    }
    return new Reading<>(empty(ctxt, fallback), problems);
  }

  private static <T> T empty(DeserializationContext ctxt, Class<? extends T> type) {
    try {
      return ctxt.readTreeAsValue(JsonNodeFactory.instance.objectNode(), type);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an empty " + type.getSimpleName(), e);
    }
  }

  private static Class<?> targetType(JsonMappingException e) {
    return e instanceof MismatchedInputException m ? m.getTargetType() : null;
  }

  private static UnreadableSpec.Problem problem(
      JsonNode tree, String root, List<JsonMappingException.Reference> path, Class<?> target) {
    StringBuilder where = new StringBuilder(root);
    JsonNode node = tree;
    boolean withheld = false;
    for (JsonMappingException.Reference ref : path) {
      String field = ref.getFieldName();
      if (field != null) {
        where.append('.').append(field);
        node = node == null ? null : node.get(field);
        String lower = field.toLowerCase(Locale.ROOT);
        withheld |= WITHHELD.stream().anyMatch(lower::contains);
      } else {
        where.append('[').append(ref.getIndex()).append(']');
        node = node == null ? null : node.get(ref.getIndex());
      }
    }
    return new UnreadableSpec.Problem(where.toString(), found(node, withheld), expected(target));
  }

  /** What a value is, without showing secret material. */
  static String found(JsonNode node, boolean withheld) {
    if (node == null || node.isMissingNode()) {
      return "unreadable";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (withheld) {
      return (node.isTextual() ? "a string" : node.isNumber() ? "a number" : "a value")
          + " (not shown)";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return text.length() > MAX_SHOWN
          ? new TextNode(text.substring(0, MAX_SHOWN)) + "..."
          : new TextNode(text).toString();
    }
    return node.toString();
  }

  /** What belongs where a value of {@code type} is read. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "the documented shape";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> wire(type, (Enum<?>) c))
              .collect(Collectors.joining(", "));
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "an object";
  }

  private static String wire(Class<?> type, Enum<?> constant) {
    try {
      JsonProperty p = type.getField(constant.name()).getAnnotation(JsonProperty.class);
      return p == null ? constant.name() : p.value();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  /**
   * Removes the node at {@code path}: a field is dropped, a list element becomes null (so that
   * later indices keep their meaning in problem paths).
   *
   * @return whether something was removed
   */
  private static boolean remove(JsonNode tree, List<JsonMappingException.Reference> path) {
    JsonNode parent = tree;
    for (JsonMappingException.Reference ref : path.subList(0, path.size() - 1)) {
      parent =
          ref.getFieldName() != null ? parent.get(ref.getFieldName()) : parent.get(ref.getIndex());
      if (parent == null) {
        return false;
      }
    }
    JsonMappingException.Reference last = path.get(path.size() - 1);
    if (last.getFieldName() != null && parent instanceof ObjectNode object) {
      return object.remove(last.getFieldName()) != null;
    }
    if (last.getFieldName() == null
        && parent instanceof ArrayNode array
        && last.getIndex() >= 0
        && last.getIndex() < array.size()
        && !array.get(last.getIndex()).isNull()) {
      array.setNull(last.getIndex());
      return true;
    }
    return false;
  }
}
