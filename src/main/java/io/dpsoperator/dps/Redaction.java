package io.dpsoperator.dps;

import java.util.regex.Pattern;

/** Removes anything that looks like key material from text that goes into messages or logs. */
final class Redaction {
  private static final Pattern SIGNATURE =
      Pattern.compile("(?i)(SharedAccessSignature)(\\s*=\\s*|\\s+)[^;\"'\\s]+");
  private static final Pattern SIG =
      Pattern.compile("(?i)\\b(sig|SharedAccessKey|key|code)=[^&;\"'\\s]+");
  private static final Pattern BEARER = Pattern.compile("(?i)(Bearer)\\s+[^\"'\\s]+");

  private Redaction() {}

  static String redact(String text) {
    if (text == null) {
      return null;
    }
    String s = SIGNATURE.matcher(text).replaceAll("$1 ***");
    s = SIG.matcher(s).replaceAll("$1=***");
    return BEARER.matcher(s).replaceAll("$1 ***");
  }
}
