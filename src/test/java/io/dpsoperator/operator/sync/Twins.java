package io.dpsoperator.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * jqwik generators of free-form twin JSON (nested objects and arrays, integers, longs beyond 2^53,
 * big integers, decimals, doubles, unicode, empty objects, nulls) and rewrites of a twin that keep
 * its meaning: numbers in another type or notation, members in another order.
 */
public final class Twins {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Twins() {}

  /** A twin section (tags, desired properties): a JSON object, up to three levels deep. */
  public static Arbitrary<ObjectNode> twins() {
    return object(3);
  }

  private static Arbitrary<ObjectNode> object(int depth) {
    return Arbitraries.maps(keys(), value(depth - 1))
        .ofMaxSize(4)
        .map(
            m -> {
              ObjectNode o = F.objectNode();
              m.forEach(o::set);
              return o;
            });
  }

  private static Arbitrary<JsonNode> value(int depth) {
    if (depth <= 0) {
      return leaf();
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, leaf()),
        net.jqwik.api.Tuple.of(2, object(depth).map(o -> (JsonNode) o)),
        net.jqwik.api.Tuple.of(
            1,
            value(depth - 1)
                .list()
                .ofMaxSize(3)
                .map(
                    l -> {
                      var a = F.arrayNode();
                      l.forEach(a::add);
                      return (JsonNode) a;
                    })));
  }

  /** Twin member names: letters, digits and unicode; never {@code $}-prefixed (service-only). */
  public static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8),
        Arbitraries.of("température", "温度", "Ünïcødé", "emoji😀", "κλειδί", "ключ", "a b"));
  }

  /** A scalar: any of the JSON number shapes a parser may produce, text, booleans and null. */
  public static Arbitrary<JsonNode> leaf() {
    return Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (JsonNode) IntNode.valueOf(i)),
        Arbitraries.longs().map(l -> (JsonNode) LongNode.valueOf(l)),
        Arbitraries.longs()
            .between((1L << 53) - 3, (1L << 53) + 3)
            .map(l -> (JsonNode) LongNode.valueOf(l)),
        Arbitraries.bigIntegers()
            .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
            .map(b -> (JsonNode) BigIntegerNode.valueOf(b)),
        decimals().map(d -> (JsonNode) DecimalNode.valueOf(d)),
        Arbitraries.doubles()
            .between(-1e9, 1e9)
            .ofScale(3)
            .map(d -> (JsonNode) DoubleNode.valueOf(d.doubleValue())),
        Arbitraries.of(21.5, 0.1, 1e300, -2.5e-300, 1e23, 2.82879384806159E17, 0.0)
            .map(d -> (JsonNode) DoubleNode.valueOf(d)),
        text().map(s -> (JsonNode) TextNode.valueOf(s)),
        Arbitraries.of(true, false).map(b -> (JsonNode) BooleanNode.valueOf(b)),
        Arbitraries.just((JsonNode) NullNode.getInstance()),
        Arbitraries.just((JsonNode) F.objectNode()));
  }

  private static Arbitrary<BigDecimal> decimals() {
    return Arbitraries.integers()
        .between(0, 12)
        .flatMap(
            scale ->
                Arbitraries.bigDecimals()
                    .between(new BigDecimal("-1e12"), new BigDecimal("1e12"))
                    .ofScale(scale));
  }

  /** Text: ASCII, accented, CJK, emoji (surrogate pairs), empty. */
  public static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).withCharRange(' ', '~'),
        Arbitraries.strings().ofMaxLength(6).withCharRange('\u00c0', '\u017f'),
        Arbitraries.strings().ofMaxLength(6).withCharRange('\u4e00', '\u4e40'),
        Arbitraries.of("🌡️ 21.5 °C", "👍🏽", "", "null", "1.0"));
  }

  /**
   * The same JSON with every number in another type or notation that keeps its value (double,
   * decimal with trailing zeros, stripped or scientific decimal, long, BigInteger) and every
   * object's members in a shuffled order.
   */
  public static JsonNode sameMeaning(JsonNode node, Random random) {
    return rewrite(node, random, true);
  }

  /**
   * The same JSON as another parser may read it: object members shuffled, integers and decimals in
   * another type or notation of the same literal (a short float literal as a double); doubles stay
   * doubles.
   */
  public static JsonNode sameValue(JsonNode node, Random random) {
    return rewrite(node, random, false);
  }

  private static JsonNode rewrite(JsonNode node, Random random, boolean printDoubles) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.shuffle(names, random);
      ObjectNode o = F.objectNode();
      names.forEach(n -> o.set(n, rewrite(node.get(n), random, printDoubles)));
      return o;
    }
    if (node.isArray()) {
      var a = F.arrayNode();
      node.forEach(e -> a.add(rewrite(e, random, printDoubles)));
      return a;
    }
    if (node.isNumber() && (printDoubles || !node.isDouble())) {
      return sameNumber(node, random, printDoubles);
    }
    return node;
  }

  private static JsonNode sameNumber(JsonNode n, Random random, boolean printDoubles) {
    // A double as the digits Java prints for it, which read back as the same double.
    BigDecimal v = n.isDouble() ? BigDecimal.valueOf(n.doubleValue()) : n.decimalValue();
    List<JsonNode> forms = new ArrayList<>();
    forms.add(DecimalNode.valueOf(v.setScale(Math.max(v.scale(), 0) + 1 + random.nextInt(3))));
    forms.add(DecimalNode.valueOf(v.stripTrailingZeros()));
    // As a double where a parser may make one of the same literal: a float literal of up to 15
    // significant digits (every double carries 15); for the comparison, an integer of exactly the
    // double's value too.
    boolean floatLiteral = n.isDouble() || n.isBigDecimal();
    if ((floatLiteral && v.stripTrailingZeros().precision() <= 15)
        || (printDoubles && new BigDecimal(v.doubleValue()).compareTo(v) == 0)) {
      forms.add(DoubleNode.valueOf(v.doubleValue()));
    }
    boolean exact = !n.isDouble() || new BigDecimal(n.doubleValue()).compareTo(v) == 0;
    if (exact && v.stripTrailingZeros().scale() <= 0) {
      BigInteger i = v.toBigIntegerExact();
      forms.add(BigIntegerNode.valueOf(i));
      if (i.bitLength() < 64) {
        forms.add(LongNode.valueOf(i.longValue()));
      }
    }
    return forms.get(random.nextInt(forms.size()));
  }
}
