package io.dpsoperator.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * JSON values compared by what they mean, not by how a parser typed them: object members in any
 * order, array elements in order, numbers by value. For {@link RecordDiff}, which owns the rest of
 * "is DPS already what we want".
 *
 * <p>Numbers. An integer or decimal literal is its exact decimal value, so {@code 1}, {@code 1.0}
 * and {@code 1e0}, read as {@code int}, {@code long}, {@code BigInteger} or {@code BigDecimal}, are
 * the same. A binary double (what most parsers make of {@code 21.5}) stands for the JSON text a
 * writer prints for it:
 *
 * <ul>
 *   <li>against a decimal literal it is equal when that literal reads back as the same double, so
 *       {@code 21.5} as double equals {@code 21.5} as {@code BigDecimal}, whichever digits the
 *       other side's writer chose (Java 17's {@code Double.toString} is not always the shortest);
 *   <li>against an integer literal it is equal when the integer is exactly the double's value or
 *       its shortest printing ({@code 1e23} and {@code 100000000000000000000000}): integers are
 *       never rounded, so {@code 9007199254740993} (beyond 2^53) does not equal the double {@code
 *       9007199254740992.0} next to it. A DPS that rounded such an integer holds a different twin;
 *       the operator writes it again.
 * </ul>
 *
 * <p>Pure functions.
 */
final class JsonSemantics {
  private JsonSemantics() {}

  /** Whether two JSON values (either may be null) mean the same. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return sameNumber(a, b);
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!same(a.get(name), b.get(name))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    boolean aBinary = isBinary(a);
    boolean bBinary = isBinary(b);
    if (aBinary && bBinary) {
      return a.doubleValue() == b.doubleValue();
    }
    if (aBinary || bBinary) {
      JsonNode binary = aBinary ? a : b;
      JsonNode other = aBinary ? b : a;
      if (other.isBigDecimal()) {
        return other.decimalValue().doubleValue() == binary.doubleValue();
      }
      BigDecimal integer = other.decimalValue();
      return new BigDecimal(binary.doubleValue()).compareTo(integer) == 0
          || shortestDecimal(binary.doubleValue()).compareTo(integer) == 0;
    }
    return a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  private static boolean isBinary(JsonNode number) {
    return number.isDouble() || number.isFloat();
  }

  /**
   * The canonical form of a JSON value, for hashing: object members sorted by name, arrays in
   * order, every number a {@link DecimalNode} of its {@link #canonicalNumber canonical decimal}.
   */
  static JsonNode canonical(JsonNode node) {
    if (node == null) {
      return NullNode.getInstance();
    }
    if (node.isObject()) {
      ObjectNode sorted = JsonNodeFactory.instance.objectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      for (String name : names) {
        sorted.set(name, canonical(node.get(name)));
      }
      return sorted;
    }
    if (node.isArray()) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode(node.size());
      node.elements().forEachRemaining(e -> array.add(canonical(e)));
      return array;
    }
    if (node.isNumber()) {
      return DecimalNode.valueOf(canonicalNumber(node));
    }
    return node;
  }

  /**
   * The decimal a number node denotes, without trailing zeros: exact for integers and decimals, the
   * shortest decimal that reads back as it for a binary double (parsers type integer literals as
   * integers, so a double comes from a literal with a fraction or an exponent, which this
   * recovers). The same on every JVM.
   */
  static BigDecimal canonicalNumber(JsonNode number) {
    BigDecimal value =
        isBinary(number) ? shortestDecimal(number.doubleValue()) : number.decimalValue();
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }

  /**
   * The shortest decimal that reads back as {@code d}; of two such decimals, the one closer to
   * {@code d}. Computed here because {@link Double#toString} is not always the shortest before Java
   * 19.
   */
  static BigDecimal shortestDecimal(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("not a JSON number: " + d);
    }
    if (d == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal exact = new BigDecimal(d);
    for (int digits = 1; digits <= 17; digits++) {
      // The decimals of this length on either side of d: if any of this length reads back as d,
      // one of these two does (the doubles that read as d form an interval around it).
      BigDecimal below = exact.round(new MathContext(digits, RoundingMode.FLOOR));
      BigDecimal above = exact.round(new MathContext(digits, RoundingMode.CEILING));
      boolean belowReads = below.doubleValue() == d;
      boolean aboveReads = above.doubleValue() == d;
      if (belowReads && aboveReads) {
        return exact.subtract(below).compareTo(above.subtract(exact)) <= 0 ? below : above;
      }
      if (belowReads) {
        return below;
      }
      if (aboveReads) {
        return above;
      }
    }
    // Unreachable: 17 significant digits always read back as the double.
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }
}
