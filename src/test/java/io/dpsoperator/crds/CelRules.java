package io.dpsoperator.crds;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} rules of a CRD schema, compiled and evaluated with cel-java
 * the way the API server does: each rule runs with {@code self} bound to the value at its schema
 * node, only where that value is present; transition rules (those using {@code oldSelf}) run only
 * on updates where the old value exists. Objects are declared {@code map(string, dyn)}, so {@code
 * has(self.x)} tests whether the key is present, as it does for an object field in Kubernetes.
 */
final class CelRules {

  /** A rule and the schema path it sits on (e.g. {@code spec.attestation}). */
  record Rule(String path, String expression, String message, String selfType) {
    boolean isTransition() {
      return OLD_SELF.matcher(expression).find();
    }
  }

  /** A failed rule, in the shape of the API server's message: {@code path: message}. */
  record Violation(String path, String message) {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private CelRules() {}

  /** Every rule of the schema, depth first. */
  static List<Rule> rules(Map<String, Object> schema) {
    List<Rule> rules = new ArrayList<>();
    collect(schema, "", rules);
    return rules;
  }

  @SuppressWarnings("unchecked")
  private static void collect(Map<String, Object> schema, String path, List<Rule> rules) {
    for (Map<String, Object> v : validations(schema)) {
      rules.add(
          new Rule(
              path,
              (String) v.get("rule"),
              (String) v.get("message"),
              (String) schema.get("type")));
    }
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    if (properties != null) {
      properties.forEach(
          (name, sub) -> collect((Map<String, Object>) sub, join(path, name), rules));
    }
    Map<String, Object> items = (Map<String, Object>) schema.get("items");
    if (items != null) {
      collect(items, path + "[*]", rules);
    }
  }

  /**
   * Compiles a rule with {@code self} (and {@code oldSelf}) declared from the schema type of its
   * node; fails on a syntax or type error, or when the rule is not boolean.
   */
  static CelRuntime.Program compile(Rule rule) {
    return PROGRAMS.computeIfAbsent(
        rule.selfType() + "|" + rule.expression(),
        key -> {
          CelType selfType = celType(rule.selfType());
          CelCompiler compiler =
              CelCompilerFactory.standardCelCompilerBuilder()
                  .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                  .addVar("self", selfType)
                  .addVar("oldSelf", selfType)
                  .build();
          try {
            CelAbstractSyntaxTree ast = compiler.compile(rule.expression()).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL)
                && !ast.getResultType().equals(SimpleType.DYN)) {
              throw new IllegalArgumentException(
                  "Rule at " + rule.path() + " is not boolean: " + ast.getResultType());
            }
            return RUNTIME.createProgram(ast);
          } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(
                "Rule at " + rule.path() + " does not compile: " + rule.expression(), e);
          }
        });
  }

  /**
   * Evaluates one rule; true when it holds. An evaluation error (e.g. a missing key) counts as a
   * failure, as in the API server.
   */
  static boolean holds(Rule rule, Object self, Object oldSelf) {
    try {
      return evaluate(rule, self, oldSelf);
    } catch (CelEvaluationException e) {
      return false;
    }
  }

  /** Evaluates one rule, reporting an evaluation error as such. */
  static boolean evaluate(Rule rule, Object self, Object oldSelf) throws CelEvaluationException {
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", toCel(self));
    if (oldSelf != null) {
      vars.put("oldSelf", toCel(oldSelf));
    }
    return Boolean.TRUE.equals(compile(rule).eval(vars));
  }

  /** Every rule of the schema evaluated against an object (create: {@code old} null). */
  static List<Violation> validate(Map<String, Object> schema, Object object, Object old) {
    List<Violation> violations = new ArrayList<>();
    walk(schema, "", object, old, violations);
    return violations;
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      Map<String, Object> schema, String path, Object value, Object old, List<Violation> out) {
    if (value == null) {
      return;
    }
    for (Map<String, Object> v : validations(schema)) {
      Rule rule =
          new Rule(
              path, (String) v.get("rule"), (String) v.get("message"), (String) schema.get("type"));
      if (rule.isTransition() && old == null) {
        continue;
      }
      if (!holds(rule, value, old)) {
        String message =
            rule.message() != null ? rule.message() : "failed rule: " + rule.expression();
        out.add(new Violation(path, message));
      }
    }
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    if (properties != null && value instanceof Map<?, ?> map) {
      Map<String, Object> oldMap = old instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
      properties.forEach(
          (name, sub) ->
              walk(
                  (Map<String, Object>) sub,
                  join(path, name),
                  map.get(name),
                  oldMap == null ? null : oldMap.get(name),
                  out));
    }
    Map<String, Object> items = (Map<String, Object>) schema.get("items");
    if (items != null && value instanceof List<?> list) {
      // Atomic lists: the API server does not correlate old and new items, so no oldSelf here.
      for (int i = 0; i < list.size(); i++) {
        walk(items, path + "[" + i + "]", list.get(i), null, out);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> validations(Map<String, Object> schema) {
    Object v = schema.get("x-kubernetes-validations");
    return v == null ? List.of() : (List<Map<String, Object>>) v;
  }

  private static CelType celType(String schemaType) {
    if (schemaType == null) {
      return SimpleType.DYN;
    }
    return switch (schemaType) {
      case "object" -> MapType.create(SimpleType.STRING, SimpleType.DYN);
      case "array" -> ListType.create(SimpleType.DYN);
      case "string" -> SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      default -> SimpleType.DYN;
    };
  }

  /** YAML values as CEL expects them: integers as long, floating point as double. */
  static Object toCel(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      // The API server drops null fields before validation: a null is an absent key.
      map.forEach(
          (k, v) -> {
            if (v != null) {
              copy.put(String.valueOf(k), toCel(v));
            }
          });
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CelRules::toCel).toList();
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    return value;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
