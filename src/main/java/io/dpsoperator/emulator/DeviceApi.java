package io.dpsoperator.emulator;

import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import java.util.List;

/**
 * The device (runtime) registration API over HTTPS: register, operation status, status lookup.
 * Routing and credentials only; {@link Registrations} holds the semantics.
 */
final class DeviceApi {
  private final Registrations registrations;

  DeviceApi(Registrations registrations) {
    this.registrations = registrations;
  }

  static boolean handles(List<String> segments) {
    return segments.size() >= 3 && segments.get(1).equalsIgnoreCase("registrations");
  }

  Response handle(Request r) {
    List<String> s = r.segments();
    String scope = s.get(0);
    String registrationId = s.get(2);
    boolean register = s.size() == 4 && s.get(3).equalsIgnoreCase("register");
    boolean operation = s.size() == 5 && s.get(3).equalsIgnoreCase("operations");
    boolean status = s.size() == 3;
    if (!register && !operation && !status) {
      throw ApiException.notFound("No such resource: /" + String.join("/", s));
    }
    String expected = register ? "PUT" : operation ? "GET" : "POST";
    if (!r.method().equals(expected)) {
      throw new ApiException(
          405, 405001, "Method " + r.method() + " is not allowed on /" + String.join("/", s));
    }
    registrations.checkScope(scope);
    Registrations.Credentials credentials =
        new Registrations.Credentials(r.header("Authorization"), r.peerCertificates());
    if (register) {
      return registrations.register(
          registrationId, r.json(), credentials, r.host(), Registrations.Transport.HTTPS);
    }
    if (operation) {
      return registrations.operationStatus(registrationId, s.get(4), credentials);
    }
    return registrations.statusLookup(registrationId, r.json(), credentials);
  }
}
