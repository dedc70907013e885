package dev.s3enc.peers;

/**
 * Where the peers connect: the test servers, given in environment variables by
 * test/peers/peers.ts. TLS trust comes from {@code -Djavax.net.ssl.trustStore} (the run's CA).
 */
final class Env {
  final String s3Endpoint = need("S3ENC_PEER_S3_ENDPOINT");
  final String s3Region = need("S3ENC_PEER_S3_REGION");
  final String s3AccessKey = need("S3ENC_PEER_S3_ACCESS_KEY_ID");
  final String s3SecretKey = need("S3ENC_PEER_S3_SECRET_ACCESS_KEY");
  final String kmsEndpoint = need("S3ENC_PEER_KMS_ENDPOINT");
  final String kmsRegion = need("S3ENC_PEER_KMS_REGION");
  final String kmsAccessKey = need("S3ENC_PEER_KMS_ACCESS_KEY_ID");
  final String kmsSecretKey = need("S3ENC_PEER_KMS_SECRET_ACCESS_KEY");

  private static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("environment variable " + name + " is not set");
    return v;
  }
}
