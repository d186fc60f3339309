package io.dpsoperator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The demo's embedded API serves the discovery kubectl needs, as kubectl asks for it. */
class EmbeddedKubernetesTest {

  @Test
  void servesDiscoveryForKubectl() throws Exception {
    try (EmbeddedKubernetes kubernetes = EmbeddedKubernetes.start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> groups =
          http.send(
              HttpRequest.newBuilder(URI.create(kubernetes.url() + "/apis?timeout=32s")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(groups.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(groups.body()).contains("\"kind\":\"APIGroupList\"").contains("dpsoperator.io");
      HttpResponse<String> resources =
          http.send(
              HttpRequest.newBuilder(URI.create(kubernetes.url() + "/apis/dpsoperator.io/v1alpha1"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(resources.body())
          .contains("\"individualenrollments\"")
          .contains("\"dpseg\"")
          .contains("\"dps\"");
      // The CRUD API still answers everything else.
      assertThat(
              kubernetes
                  .client()
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .list()
                  .getItems())
          .hasSize(4);
    }
  }
}
