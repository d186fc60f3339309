package io.dpsoperator.dps;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of the client: the system trust store plus an optional PEM CA bundle. Certificate
 * and host-name checks stay on; a server is trusted when either source validates its chain.
 */
public final class DpsTls {
  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

  private DpsTls() {}

  /** The JVM's default trust manager (the system trust store). */
  static X509ExtendedTrustManager systemTrustManager() {
    return trustManagerFor(null);
  }

  /** A trust manager for the certificates of a PEM bundle only. */
  static X509ExtendedTrustManager bundleTrustManager(String pem) {
    List<X509Certificate> certificates = parseCertificates(pem);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("dps-ca-" + i, certificates.get(i));
      }
      return trustManagerFor(store);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("Could not build a trust store from the DPS CA bundle", e);
    }
  }

  /** The system trust manager, plus the bundle's when {@code pem} is not null. */
  public static X509TrustManager trustManager(String pem) {
    X509ExtendedTrustManager system = systemTrustManager();
    if (pem == null) {
      return system;
    }
    return new CompositeTrustManager(List.of(system, bundleTrustManager(pem)));
  }

  /** A TLS socket factory that trusts what {@code trustManager} trusts. */
  public static SSLSocketFactory socketFactory(X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not initialise TLS", e);
    }
  }

  /** The certificates of a PEM text; text around the blocks is ignored. */
  static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher m = PEM_CERTIFICATE.matcher(pem);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "DPS CA bundle holds a certificate that cannot be parsed: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          "DPS CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  private static X509ExtendedTrustManager trustManagerFor(KeyStore store) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("The JVM has no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not initialise the trust store", e);
    }
  }

  /** Trusts a chain when any delegate does; the first failure is reported otherwise. */
  static final class CompositeTrustManager extends X509ExtendedTrustManager {
    private final List<X509ExtendedTrustManager> delegates;

    CompositeTrustManager(List<X509ExtendedTrustManager> delegates) {
      this.delegates = List.copyOf(delegates);
    }

    private interface Check {
      void run(X509ExtendedTrustManager tm) throws CertificateException;
    }

    private void anyOf(Check check) throws CertificateException {
      CertificateException first = null;
      for (X509ExtendedTrustManager tm : delegates) {
        try {
          check.run(tm);
          return;
        } catch (CertificateException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      throw first;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      anyOf(tm -> tm.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      anyOf(tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      anyOf(tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      anyOf(tm -> tm.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      anyOf(tm -> tm.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      anyOf(tm -> tm.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegates.stream()
          .flatMap(tm -> Arrays.stream(tm.getAcceptedIssuers()))
          .toArray(X509Certificate[]::new);
    }
  }
}
