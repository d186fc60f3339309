package io.dpsoperator.emulator;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DPS's SASL mechanism {@code TPM}, server side, for one AMQP connection: the TPM challenge of the
 * HTTPS API carried in SASL frames, as the official device SDKs speak it. Every frame the device
 * sends starts with a control byte {@code 0x00}; the exchange is
 *
 * <ol>
 *   <li>init: {@code 00 idScope NUL registrationId NUL endorsementKey} (the key as TPM2B_PUBLIC
 *       bytes);
 *   <li>challenge {@code 00} (send the storage root key), response {@code 00 storageRootKey};
 *   <li>the authentication key blob in challenge segments of at most {@link #SEGMENT_BYTES} bytes,
 *       each after a control byte: {@code 0x80} (more follows) or {@code 0xC1} (final); the device
 *       answers each but the final one with {@code 00};
 *   <li>after the final segment the device answers {@code 00 sasToken}, signed with the key the TPM
 *       imported from the blob; the outcome is {@code ok} or {@code auth}.
 * </ol>
 *
 * <p>This class only frames: the blob and the SAS check are {@link Registrations}' (one
 * implementation for every transport). It is not thread-safe; the connection calls it on its event
 * loop.
 */
final class SaslTpm {
  /** The mechanism name the device chooses. */
  static final String MECHANISM = "TPM";

  /**
   * Bytes of the blob per challenge segment: the C# SDK's segment size, which keeps a frame within
   * the 512 bytes every AMQP peer must accept before the connection is open.
   */
  static final int SEGMENT_BYTES = 400;

  private static final byte NUL = 0;
  private static final byte MORE = (byte) 0x80;
  private static final byte FINAL = (byte) 0xC1;

  /** What the connection does next. */
  sealed interface Step {}

  /** Send a challenge with these bytes. */
  record Challenge(byte[] bytes) implements Step {}

  /**
   * Outcome {@code ok}: the device authenticated as {@code registrationId} with these credentials.
   */
  record Accept(String idScope, String registrationId, Registrations.Credentials credentials)
      implements Step {}

  /** Outcome {@code auth}; {@code reason} is for the log (it holds no secret). */
  record Refuse(String registrationId, String reason) implements Step {}

  private enum State {
    INIT,
    STORAGE_ROOT_KEY,
    KEY_SEGMENTS,
    SAS_TOKEN,
    DONE
  }

  private final Registrations registrations;
  private final List<X509Certificate> peerCertificates;
  private State state = State.INIT;
  private String idScope;
  private String registrationId;
  private byte[] endorsementKey;
  private List<byte[]> segments;
  private int sent; // segments sent so far

  SaslTpm(Registrations registrations, List<X509Certificate> peerCertificates) {
    this.registrations = registrations;
    this.peerCertificates = peerCertificates;
  }

  /** The device's init frame (the mechanism's initial response). */
  Step init(byte[] frame) {
    if (state != State.INIT) {
      return refuse("a second init frame");
    }
    if (frame.length < 1 || frame[0] != NUL) {
      return refuse("the init frame does not start with control byte 0x00");
    }
    int first = indexOf(frame, 1);
    int second = first < 0 ? -1 : indexOf(frame, first + 1);
    if (second < 0 || second + 1 >= frame.length) {
      return refuse("the init frame is not idScope NUL registrationId NUL endorsementKey");
    }
    idScope = new String(frame, 1, first - 1, StandardCharsets.UTF_8);
    registrationId = new String(frame, first + 1, second - first - 1, StandardCharsets.UTF_8);
    endorsementKey = Arrays.copyOfRange(frame, second + 1, frame.length);
    try {
      registrations.checkScope(idScope);
    } catch (ApiException e) {
      return refuse(reason(e));
    }
    state = State.STORAGE_ROOT_KEY;
    return new Challenge(new byte[] {NUL});
  }

  /** A response frame of the device. */
  Step response(byte[] frame) {
    if (frame.length < 1 || frame[0] != NUL) {
      return refuse("a response frame does not start with control byte 0x00");
    }
    byte[] content = Arrays.copyOfRange(frame, 1, frame.length);
    return switch (state) {
      case STORAGE_ROOT_KEY -> storageRootKey(content);
      case KEY_SEGMENTS -> content.length == 0 ? nextSegment() : refuse("a segment was not acked");
      case SAS_TOKEN -> sasToken(new String(content, StandardCharsets.UTF_8));
      default -> refuse("an unexpected response frame");
    };
  }

  private Step storageRootKey(byte[] srk) {
    try {
      segments =
          segments(
              registrations.tpmAuthenticationKey(idScope, registrationId, endorsementKey, srk));
    } catch (ApiException e) {
      return refuse(reason(e));
    }
    state = State.KEY_SEGMENTS;
    return nextSegment();
  }

  private Step nextSegment() {
    byte[] segment = segments.get(sent++);
    if (sent == segments.size()) {
      state = State.SAS_TOKEN;
    }
    return new Challenge(segment);
  }

  /**
   * The challenge segments that carry {@code blob}: at least two (the Java SDK takes exactly one
   * {@code 0x80} segment, then the {@code 0xC1} one; an RSA-2048 blob of about 750 bytes makes
   * two), of equal size up to one byte and at most {@link #SEGMENT_BYTES} bytes each, every one
   * after its control byte.
   */
  static List<byte[]> segments(byte[] blob) {
    int count = Math.max(2, (blob.length + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
    List<byte[]> out = new ArrayList<>(count);
    int offset = 0;
    for (int i = 0; i < count; i++) {
      int length = (blob.length - offset) / (count - i); // spreads the remainder over the tail
      if (i == count - 1) {
        length = blob.length - offset;
      }
      byte[] segment = new byte[length + 1];
      segment[0] = i == count - 1 ? FINAL : MORE;
      System.arraycopy(blob, offset, segment, 1, length);
      offset += length;
      out.add(segment);
    }
    return out;
  }

  private Step sasToken(String sasToken) {
    Registrations.Credentials credentials =
        new Registrations.Credentials(sasToken, peerCertificates);
    try {
      registrations.authenticate(registrationId, null, credentials);
    } catch (ApiException e) {
      return refuse(reason(e));
    }
    state = State.DONE;
    return new Accept(idScope, registrationId, credentials);
  }

  private Step refuse(String reason) {
    state = State.DONE;
    return new Refuse(registrationId, reason);
  }

  private static String reason(ApiException e) {
    if (e instanceof Registrations.NoEnrollmentException n) {
      return n.reason;
    }
    return e instanceof ApiException.UnauthorizedException u ? u.reason : e.getMessage();
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == NUL) {
        return i;
      }
    }
    return -1;
  }
}
