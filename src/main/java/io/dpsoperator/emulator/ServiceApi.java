package io.dpsoperator.emulator;

import static io.dpsoperator.emulator.EnrollmentCodec.GROUP_ID;
import static io.dpsoperator.emulator.EnrollmentCodec.REGISTRATION_ID;
import static io.dpsoperator.emulator.EnrollmentCodec.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service (backend) API: enrollments, enrollment groups, registration states. */
final class ServiceApi {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceApi.class);
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  private static final List<String> BULK_MODES =
      List.of("create", "update", "updateIfMatchETag", "delete");

  private final EmulatorConfig config;
  private final EmulatorState state;
  private final EnrollmentCodec codec;
  private final EntraIssuer entra;

  ServiceApi(EmulatorConfig config, EmulatorState state, EnrollmentCodec codec) {
    this(config, state, codec, null);
  }

  /**
   * @param entra the emulated Entra ID tenant whose bearer tokens are accepted, or null for SAS
   *     only
   */
  ServiceApi(EmulatorConfig config, EmulatorState state, EnrollmentCodec codec, EntraIssuer entra) {
    this.config = config;
    this.state = state;
    this.codec = codec;
    this.entra = entra;
  }

  /** Whether the path is the service API's; paths are matched case-insensitively, as DPS does. */
  static boolean handles(List<String> segments) {
    return !segments.isEmpty()
        && (segments.get(0).equalsIgnoreCase("enrollments")
            || segments.get(0).equalsIgnoreCase("enrollmentGroups")
            || segments.get(0).equalsIgnoreCase("registrations"));
  }

  Response handle(Request r) {
    List<String> s = r.segments();
    String root = s.get(0);
    String m = r.method();
    if (root.equalsIgnoreCase("registrations")) {
      if (s.size() == 2 && m.equals("GET")) {
        authorize(r, EmulatorRight.REGISTRATION_STATUS_READ);
        return getRegistration(s.get(1));
      }
      if (s.size() == 2 && m.equals("DELETE")) {
        authorize(r, EmulatorRight.REGISTRATION_STATUS_WRITE);
        return deleteRegistration(s.get(1), r.header("If-Match"));
      }
      if (s.size() == 3 && s.get(2).equalsIgnoreCase("query") && m.equals("POST")) {
        authorize(r, EmulatorRight.REGISTRATION_STATUS_READ);
        return queryRegistrations(r, s.get(1));
      }
      throw notAllowed(r, s.size() <= 3);
    }
    boolean group = root.equalsIgnoreCase("enrollmentGroups");
    if (s.size() == 1) {
      if (m.equals("POST")) {
        authorize(r, EmulatorRight.ENROLLMENT_WRITE);
        return bulk(group, r.json());
      }
      throw notAllowed(r, true);
    }
    if (s.size() == 2 && s.get(1).equalsIgnoreCase("query") && m.equals("POST")) {
      authorize(r, EmulatorRight.ENROLLMENT_READ);
      return query(group, r);
    }
    if (s.size() == 2) {
      String id = s.get(1);
      switch (m) {
        case "GET" -> {
          authorize(r, EmulatorRight.ENROLLMENT_READ);
          return get(group, id);
        }
        case "PUT" -> {
          authorize(r, EmulatorRight.ENROLLMENT_WRITE);
          return put(group, id, r.json(), r.header("If-Match"));
        }
        case "DELETE" -> {
          authorize(r, EmulatorRight.ENROLLMENT_WRITE);
          return delete(group, id, r.header("If-Match"));
        }
        default -> throw notAllowed(r, true);
      }
    }
    if (s.size() == 3 && s.get(2).equalsIgnoreCase("attestationmechanism")) {
      if (!m.equals("POST")) {
        throw notAllowed(r, true);
      }
      authorize(r, EmulatorRight.ENROLLMENT_READ);
      return attestationMechanism(group, s.get(1));
    }
    throw ApiException.notFound("No such resource: /" + String.join("/", s));
  }

  private static ApiException notAllowed(Request r, boolean known) {
    if (!known) {
      return ApiException.notFound("No such resource: /" + String.join("/", r.segments()));
    }
    return new ApiException(
        405,
        405001,
        "Method " + r.method() + " is not allowed on /" + String.join("/", r.segments()));
  }

  // ---------------------------------------------------------------- authorization

  void authorize(Request r, EmulatorRight right) {
    String header = r.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
      authorizeBearer(header.substring("Bearer ".length()).trim(), right);
      return;
    }
    Sas.Token token = Sas.parse(header);
    if (token == null) {
      throw ApiException.unauthorized("no SharedAccessSignature authorization");
    }
    if (token.se() < config.clock().instant().getEpochSecond()) {
      throw ApiException.unauthorized("token expired at se=" + token.se());
    }
    EmulatorConfig.Policy policy =
        token.skn() == null ? null : config.policies().get(token.skn().toLowerCase(Locale.ROOT));
    if (policy == null) {
      throw ApiException.unauthorized("unknown policy skn=" + token.skn());
    }
    if (!Sas.verify(token, policy.keyBytes())) {
      throw ApiException.unauthorized("signature mismatch for policy " + policy.name());
    }
    String resource = token.sr().toLowerCase(Locale.ROOT);
    if (resource.startsWith("https://")) {
      resource = resource.substring("https://".length());
    }
    int slash = resource.indexOf('/');
    String host = slash < 0 ? resource : resource.substring(0, slash);
    String path = slash < 0 ? "" : resource.substring(slash);
    if (!hostAccepted(host, r.host())) {
      throw ApiException.unauthorized("token resource " + token.sr() + " does not name this host");
    }
    if (!path.isEmpty() && !path.equals("/")) {
      String requestPath = ("/" + String.join("/", r.segments())).toLowerCase(Locale.ROOT);
      String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      if (!(requestPath.equals(prefix) || requestPath.startsWith(prefix + "/"))) {
        throw ApiException.unauthorized(
            "token resource " + token.sr() + " does not cover the path");
      }
    }
    if (!policy.rights().contains(right)) {
      throw ApiException.unauthorized("policy " + policy.name() + " lacks right " + right);
    }
  }

  /** A Microsoft Entra ID access token: 401 unless valid, 403 unless a role grants the right. */
  private void authorizeBearer(String token, EmulatorRight right) {
    if (entra == null) {
      throw ApiException.unauthorized("bearer token but no Entra ID tenant is configured");
    }
    Set<EntraRole> roles = entra.authenticate(token);
    if (roles.stream().noneMatch(role -> role.grants(right))) {
      throw ApiException.forbidden(
          "The caller's roles "
              + roles
              + " do not allow "
              + right
              + (roles.isEmpty()
                  ? "; assign the role Device Provisioning Service Data Reader (read) or Data"
                      + " Contributor (read and write)"
                  : "; assign the role Device Provisioning Service Data Contributor"));
    }
  }

  private boolean hostAccepted(String srHost, String requestHost) {
    String req = requestHost.toLowerCase(Locale.ROOT);
    if (srHost.equals(req) || srHost.equals(stripPort(req))) {
      return true;
    }
    return config.acceptedHosts().contains(srHost)
        || config.acceptedHosts().contains(stripPort(srHost));
  }

  static String stripPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  // ---------------------------------------------------------------- enrollments and groups

  private java.util.NavigableMap<String, ObjectNode> map(boolean group) {
    return group ? state.groups : state.enrollments;
  }

  private static ApiException recordNotFound(boolean group, String id) {
    return group
        ? new ApiException(404, 404204, "Enrollment group '" + id + "' not found")
        : new ApiException(404, 404201, "Enrollment '" + id + "' not found");
  }

  private Response get(boolean group, String id) {
    synchronized (state) {
      ObjectNode record = map(group).get(key(id));
      if (record == null) {
        throw recordNotFound(group, id);
      }
      Registration reg = group ? null : state.registrations.get(key(id));
      return Response.of(200, codec.render(record, false, reg));
    }
  }

  private Response attestationMechanism(boolean group, String id) {
    synchronized (state) {
      ObjectNode record = map(group).get(key(id));
      if (record == null) {
        throw recordNotFound(group, id);
      }
      return Response.of(
          200, codec.renderAttestation((ObjectNode) record.get("attestation"), true));
    }
  }

  private Response put(boolean group, String id, JsonNode body, String ifMatch) {
    EnrollmentCodec.validateId(id, group ? GROUP_ID : REGISTRATION_ID);
    synchronized (state) {
      ObjectNode saved = write(group, id, body, ifMatch, false);
      return Response.of(200, codec.render(saved, true, null));
    }
  }

  /** Creates or replaces a record under the etag rules; the caller holds the monitor. */
  private ObjectNode write(
      boolean group, String id, JsonNode body, String ifMatch, boolean createOnly) {
    ObjectNode existing = map(group).get(key(id));
    if (existing != null) {
      if (createOnly) {
        throw ApiException.conflict(
            (group ? "Enrollment group '" : "Enrollment '") + id + "' already exists");
      }
      if (ifMatch == null || ifMatch.isBlank()) {
        throw ApiException.conflict(
            (group ? "Enrollment group '" : "Enrollment '")
                + id
                + "' already exists; send If-Match with its etag (or *) to update it");
      }
      if (!ifMatch.trim().equals("*")
          && !Json.etagMatches(ifMatch, existing.get("etag").asText())) {
        throw ApiException.preconditionFailed(
            "The etag " + ifMatch + " does not match the current etag of '" + id + "'");
      }
    } else if (ifMatch != null && !ifMatch.isBlank() && !ifMatch.trim().equals("*")) {
      throw ApiException.preconditionFailed(
          "If-Match " + ifMatch + " given, but '" + id + "' does not exist");
    }
    InstanceLimits.checkRecordSize(body, id);
    ObjectNode record = codec.normalize(group, id, body, existing);
    if (group) {
      InstanceLimits.checkGroupQuota(state.groups, key(id), record);
    }
    map(group).put(key(id), record);
    state.changed();
    LOG.info(
        "{} {} {}",
        existing == null ? "Created" : "Updated",
        group ? "enrollment group" : "enrollment",
        "id=" + id);
    return record;
  }

  private Response delete(boolean group, String id, String ifMatch) {
    synchronized (state) {
      remove(group, id, ifMatch);
      return Response.of(204, null);
    }
  }

  private void remove(boolean group, String id, String ifMatch) {
    ObjectNode existing = map(group).get(key(id));
    if (existing == null) {
      throw recordNotFound(group, id);
    }
    if (ifMatch != null
        && !ifMatch.isBlank()
        && !ifMatch.trim().equals("*")
        && !Json.etagMatches(ifMatch, existing.get("etag").asText())) {
      throw ApiException.preconditionFailed(
          "The etag " + ifMatch + " does not match the current etag of '" + id + "'");
    }
    map(group).remove(key(id));
    if (!group) {
      // An individual enrollment carries its registration state; group registrations outlive the
      // group, as in DPS.
      state.registrations.remove(key(id));
    }
    state.changed();
    LOG.atInfo().addKeyValue("id", id).log("Deleted {}", group ? "enrollment group" : "enrollment");
  }

  private Response bulk(boolean group, JsonNode body) {
    String listField = group ? "enrollmentGroups" : "enrollments";
    String idField = group ? GROUP_ID : REGISTRATION_ID;
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("The bulk operation body must be a JSON object");
    }
    String mode = Json.text(body, "mode");
    String canonicalMode =
        BULK_MODES.stream().filter(x -> x.equalsIgnoreCase(mode)).findFirst().orElse(null);
    if (canonicalMode == null) {
      throw ApiException.badRequest("mode must be one of " + BULK_MODES + ", not '" + mode + "'");
    }
    JsonNode items = body.get(listField);
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw ApiException.badRequest(listField + " must be a non-empty array");
    }
    if (items.size() > 10) {
      throw ApiException.badRequest(
          "A bulk operation takes at most 10 records, not " + items.size());
    }
    ObjectNode result = Json.object();
    ArrayNode errors = Json.MAPPER.createArrayNode();
    synchronized (state) {
      for (JsonNode item : items) {
        String id = Json.text(item, idField);
        try {
          if (id == null) {
            throw ApiException.badRequest(idField + " is required");
          }
          EnrollmentCodec.validateId(id, idField);
          String etag = Json.text(item, "etag");
          switch (canonicalMode) {
            case "create" -> write(group, id, item, null, true);
            case "update" -> write(group, id, item, "*", false);
            case "updateIfMatchETag" -> write(group, id, item, etag, false);
            default -> remove(group, id, etag);
          }
        } catch (ApiException e) {
          ObjectNode err = errors.addObject();
          err.put(idField, id);
          err.put("errorCode", e.errorCode);
          err.put("errorStatus", e.getMessage());
        }
      }
    }
    result.put("isSuccessful", errors.isEmpty());
    result.set("errors", errors);
    return Response.of(200, result);
  }

  private Response query(boolean group, Request r) {
    JsonNode body = r.json();
    String query = Json.text(body, "query");
    if (query == null || query.isBlank()) {
      throw ApiException.badRequest("The query body needs a query, e.g. {\"query\":\"SELECT *\"}");
    }
    String lower = query.toLowerCase(Locale.ROOT);
    if (!lower.contains("select")) {
      throw ApiException.badRequest(
          "Unsupported query '" + query + "': only SELECT * is supported");
    }
    // The continuation token is a cursor (the last key sent), so a page costs its own size, not
    // the size of the whole set, and records deleted or created during a paged read do not shift
    // the others (no record present throughout is skipped).
    int size = pageSize(r);
    String after = null;
    String token = r.header("x-ms-continuation");
    if (token != null && !token.isBlank()) {
      after = decodeToken(token, "after:");
    }
    ArrayNode items = Json.MAPPER.createArrayNode();
    String last = null;
    boolean more;
    synchronized (state) {
      java.util.NavigableMap<String, ObjectNode> records = map(group);
      java.util.NavigableMap<String, ObjectNode> rest =
          after == null ? records : records.tailMap(after, false);
      java.util.Iterator<Map.Entry<String, ObjectNode>> it = rest.entrySet().iterator();
      while (items.size() < size && it.hasNext()) {
        Map.Entry<String, ObjectNode> e = it.next();
        items.add(codec.render(e.getValue(), false, null));
        last = e.getKey();
      }
      more = it.hasNext();
    }
    Response response =
        Response.of(200, items)
            .header("x-ms-item-type", group ? "EnrollmentGroup" : "Enrollment")
            .header("x-ms-max-item-count", Integer.toString(size));
    if (more) {
      response.header("x-ms-continuation", encodeToken("after:" + last));
    }
    return response;
  }

  // ---------------------------------------------------------------- registration states

  private Response getRegistration(String id) {
    synchronized (state) {
      Registration reg = state.registrations.get(key(id));
      if (reg == null) {
        throw registrationNotFound(id);
      }
      return Response.of(200, reg.toServiceJson());
    }
  }

  static ApiException registrationNotFound(String id) {
    return new ApiException(404, 404202, "Device registration '" + id + "' not found");
  }

  private Response deleteRegistration(String id, String ifMatch) {
    synchronized (state) {
      Registration reg = state.registrations.get(key(id));
      if (reg == null) {
        throw registrationNotFound(id);
      }
      if (ifMatch != null
          && !ifMatch.isBlank()
          && !ifMatch.trim().equals("*")
          && !Json.etagMatches(ifMatch, reg.etag())) {
        throw ApiException.preconditionFailed(
            "The etag " + ifMatch + " does not match the registration of '" + id + "'");
      }
      state.registrations.remove(key(id));
      state.changed();
      LOG.atInfo().addKeyValue("id", id).log("Deleted device registration");
      return Response.of(204, null);
    }
  }

  private Response queryRegistrations(Request r, String groupId) {
    // The spec has no body here; the Java SDK sends one anyway: ignored.
    List<JsonNode> all = new ArrayList<>();
    synchronized (state) {
      state.registrations.values().stream()
          .filter(reg -> groupId.equalsIgnoreCase(reg.enrollmentGroupId()))
          .sorted(Comparator.comparing(reg -> key(reg.registrationId())))
          .forEach(reg -> all.add(reg.toServiceJson()));
    }
    return page(r, all, "DeviceRegistration");
  }

  // ---------------------------------------------------------------- paging

  private static int pageSize(Request r) {
    int size = DEFAULT_PAGE_SIZE;
    String max = r.header("x-ms-max-item-count");
    if (max != null && !max.isBlank()) {
      try {
        size = Integer.parseInt(max.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("x-ms-max-item-count must be an integer");
      }
      if (size <= 0) {
        size = DEFAULT_PAGE_SIZE;
      }
      size = Math.min(size, MAX_PAGE_SIZE);
    }
    return size;
  }

  private static String encodeToken(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeToken(String token, String prefix) {
    try {
      String decoded = new String(Base64.getDecoder().decode(token.trim()), StandardCharsets.UTF_8);
      if (!decoded.startsWith(prefix)) {
        throw new IllegalArgumentException();
      }
      return decoded.substring(prefix.length());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid x-ms-continuation token");
    }
  }

  private static Response page(Request r, List<JsonNode> all, String itemType) {
    int size = pageSize(r);
    int offset = 0;
    String token = r.header("x-ms-continuation");
    if (token != null && !token.isBlank()) {
      try {
        offset = Integer.parseInt(decodeToken(token, "offset:"));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid x-ms-continuation token");
      }
      if (offset < 0) {
        throw ApiException.badRequest("Invalid x-ms-continuation token");
      }
    }
    ArrayNode items = Json.MAPPER.createArrayNode();
    int end = Math.min(all.size(), offset + size);
    for (int i = offset; i < end; i++) {
      items.add(all.get(i));
    }
    Response response =
        Response.of(200, items)
            .header("x-ms-item-type", itemType)
            .header("x-ms-max-item-count", Integer.toString(size));
    if (end < all.size()) {
      response.header("x-ms-continuation", encodeToken("offset:" + end));
    }
    return response;
  }
}
