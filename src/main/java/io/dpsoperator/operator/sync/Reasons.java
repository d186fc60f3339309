package io.dpsoperator.operator.sync;

/** Condition and Event reasons. */
public final class Reasons {
  public static final String SYNCED = "Synced";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String INVALID_SECRET = "InvalidSecret";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String DPS_UNAUTHORIZED = "DpsUnauthorized";
  public static final String DPS_UNAVAILABLE = "DpsUnavailable";
  public static final String DPS_REJECTED = "DpsRejected";
  public static final String THROTTLED = "Throttled";
  public static final String DUPLICATE_REGISTRATION_ID = "DuplicateRegistrationId";
  public static final String DUPLICATE_ENROLLMENT_GROUP_ID = "DuplicateEnrollmentGroupId";
  public static final String DELETION_BLOCKED = "DeletionBlocked";
  public static final String SECRET_WRITE_FAILED = "SecretWriteFailed";
  public static final String MOVED_DPS = "MovedToAnotherDps";
  public static final String CERTIFICATE_EXPIRED = "CertificateExpired";
  public static final String CERTIFICATE_NOT_YET_VALID = "CertificateNotYetValid";
  public static final String CERTIFICATE_EXPIRING_SOON = "CertificateExpiringSoon";
  public static final String CERTIFICATES_VALID = "CertificatesValid";

  public static final String CONNECTION_NOT_FOUND = "ConnectionNotFound";
  public static final String CONNECTION_NOT_ALLOWED = "ConnectionNotAllowed";
  public static final String CONNECTION_NOT_READY = "ConnectionNotReady";
  public static final String CONNECTED = "Connected";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String FORBIDDEN = "Forbidden";
  public static final String UNREACHABLE = "Unreachable";
  public static final String HOST_MISMATCH = "HostMismatch";
  public static final String TOKEN_EXCHANGE_FAILED = "TokenExchangeFailed";
  public static final String FEDERATED_TOKEN_UNAVAILABLE = "FederatedTokenUnavailable";
  public static final String FEDERATED_TOKEN_EXPIRED = "FederatedTokenExpired";
  public static final String IN_USE = "InUse";

  public static final String CREATED = "Created";
  public static final String UPDATED = "Updated";
  public static final String ADOPTED = "Adopted";
  public static final String DRIFT_CORRECTED = "DriftCorrected";
  public static final String DELETED = "Deleted";
  public static final String ORPHANED = "Orphaned";
  public static final String KEYS_WRITTEN = "KeysWritten";

  // Per-resource control: reconcile policy, adoption, pause, force-sync.
  public static final String ADOPTION_REFUSED = "AdoptionRefused";
  public static final String NOT_FOUND_IN_DPS = "NotFoundInDps";
  public static final String OBSERVED = "Observed";
  public static final String PAUSED = "Paused";
  public static final String RESUMED = "Resumed";
  public static final String IN_SYNC = "InSync";
  public static final String DRIFTED = "Drifted";
  public static final String FORCE_SYNCED = "ForceSynced";
  public static final String DELETION_PAUSED = "DeletionPaused";

  private Reasons() {}
}
