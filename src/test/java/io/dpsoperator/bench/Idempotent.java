package io.dpsoperator.bench;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A create that tolerates its own retry: under load the client's request can time out after the
 * server stored the object, and the client's retry then answers 409 for an object that is there.
 */
final class Idempotent {
  private Idempotent() {}

  static void create(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
