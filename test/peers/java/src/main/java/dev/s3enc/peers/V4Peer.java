package dev.s3enc.peers;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.SdkPartType;
import software.amazon.encryption.s3.CommitmentPolicy;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.internal.InstructionFileConfig;
import software.amazon.encryption.s3.materials.AesKeyring;
import software.amazon.encryption.s3.materials.Keyring;
import software.amazon.encryption.s3.materials.KmsKeyring;
import software.amazon.encryption.s3.materials.MaterialsDescription;
import software.amazon.encryption.s3.materials.PartialRsaKeyPair;
import software.amazon.encryption.s3.materials.RsaKeyring;

/**
 * The official S3 Encryption Client 4.x (AWS SDK v2). Writes V3 (default) or V2
 * ({@code --format v2}: the non-committing suite with FORBID_ENCRYPT_ALLOW_DECRYPT), with a KMS,
 * AES or RSA keyring, metadata on the object or in an instruction file, single or multipart
 * puts. {@code --legacy} enables the legacy wrapping algorithms and unauthenticated modes for
 * reads (the options the official readers need for V1 objects).
 */
final class V4Peer implements Main.Peer {
  private final Args args;
  private final S3EncryptionClient client;
  private final Map<String, String> context;

  V4Peer(Args args, Env env) throws Exception {
    this.args = args;
    this.context = args.map("--context-json");
    var s3Creds =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(env.s3AccessKey, env.s3SecretKey));
    S3Client plain =
        S3Client.builder()
            .endpointOverride(URI.create(env.s3Endpoint))
            .forcePathStyle(true)
            .region(Region.of(env.s3Region))
            .credentialsProvider(s3Creds)
            .build();
    boolean legacy = args.has("--legacy");
    boolean v2 = "v2".equals(args.get("--format"));
    var b =
        S3EncryptionClient.builderV4()
            .endpointOverride(URI.create(env.s3Endpoint))
            .forcePathStyle(true)
            .region(Region.of(env.s3Region))
            .credentialsProvider(s3Creds)
            .asyncHttpClientBuilder(
                NettyNioAsyncHttpClient.builder().writeTimeout(Duration.ofSeconds(3)))
            .keyring(keyring(args, env, legacy))
            .enableLegacyUnauthenticatedModes(legacy)
            .instructionFileConfig(
                InstructionFileConfig.builder()
                    .instructionFileClient(plain)
                    .enableInstructionFilePutObject(args.has("--instruction-file"))
                    .build());
    if (v2) {
      b.encryptionAlgorithm(AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF)
          .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    } else if (legacy) {
      // Reads V1/V2 objects too; still writes V3.
      b.commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    }
    // The client authenticates a whole object in memory before releasing it, up to 64 MiB by
    // default; larger reads (bench/s3ec.ts) raise the bound rather than enable delayed
    // authentication, so the Java reader keeps the same guarantee as s3enc's.
    if (args.get("--buffer-size") != null) b.setBufferSize(Long.parseLong(args.get("--buffer-size")));
    client = b.build();
  }

  private static Keyring keyring(Args args, Env env, boolean legacy) throws Exception {
    MaterialsDescription matdesc =
        MaterialsDescription.builder().putAll(args.map("--matdesc-json")).build();
    if (args.get("--kms-key-id") != null) {
      KmsClient kms =
          KmsClient.builder()
              .endpointOverride(URI.create(env.kmsEndpoint))
              .region(Region.of(env.kmsRegion))
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(env.kmsAccessKey, env.kmsSecretKey)))
              .build();
      return KmsKeyring.builder()
          .kmsClient(kms)
          .wrappingKeyId(args.get("--kms-key-id"))
          .enableLegacyWrappingAlgorithms(legacy)
          .build();
    }
    if (args.get("--aes-key-file") != null) {
      return AesKeyring.builder()
          .wrappingKey(Keys.aes(args.get("--aes-key-file")))
          .materialsDescription(matdesc)
          .enableLegacyWrappingAlgorithms(legacy)
          .build();
    }
    if (args.get("--rsa-key-file") != null) {
      return RsaKeyring.builder()
          .wrappingKeyPair(new PartialRsaKeyPair(Keys.rsa(args.get("--rsa-key-file"))))
          .materialsDescription(matdesc)
          .enableLegacyWrappingAlgorithms(legacy)
          .build();
    }
    throw new IllegalArgumentException("give --kms-key-id, --aes-key-file or --rsa-key-file");
  }

  /**
   * S3EC Java 4.0.0 sometimes sends no body at all for an empty plaintext (its async cipher
   * publisher completes before the HTTP layer asks for data; the request then hangs until the
   * write timeout). A peer bug, not a format question: empty puts are retried, boundedly, each
   * with a short write timeout.
   */
  private static final int EMPTY_PUT_ATTEMPTS = 6;

  @Override
  public void put(String key, String file) throws Exception {
    if (Files.size(Path.of(file)) > 0) {
      putOnce(key, file);
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        putOnce(key, file);
        return;
      } catch (Exception e) {
        if (attempt >= EMPTY_PUT_ATTEMPTS) throw e;
        System.err.println("empty put of " + key + " stalled (S3EC 4.0.0 empty-body race); retrying");
      }
    }
  }

  private void putOnce(String key, String file) throws Exception {
    String bucket = args.require("--bucket");
    if (args.has("--multipart")) {
      putMultipart(bucket, key, Path.of(file));
      return;
    }
    client.putObject(
        r ->
            r.bucket(bucket)
                .key(key)
                .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(context)),
        // fromBytes, not fromFile: with an empty file the client's async cipher publisher
        // sometimes produces nothing (the request then times out after 30 s).
        RequestBody.fromBytes(Files.readAllBytes(Path.of(file))));
  }

  /** Low-level multipart: parts of --part-size (a multiple of 16), the last one flagged. */
  private void putMultipart(String bucket, String key, Path file) throws Exception {
    long partSize = args.partSize();
    if (partSize % 16 != 0) throw new IllegalArgumentException("--part-size must be a multiple of 16");
    String uploadId =
        client
            .createMultipartUpload(
                r ->
                    r.bucket(bucket)
                        .key(key)
                        .overrideConfiguration(
                            S3EncryptionClient.withAdditionalConfiguration(context)))
            .uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      int n = (int) Math.max(1, (size + partSize - 1) / partSize);
      for (int i = 1; i <= n; i++) {
        byte[] chunk = in.readNBytes((int) Math.min(partSize, size - (i - 1) * partSize));
        final int partNumber = i;
        final boolean last = i == n;
        String etag =
            client
                .uploadPart(
                    r -> {
                      r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber);
                      if (last) r.sdkPartType(SdkPartType.LAST);
                    },
                    RequestBody.fromBytes(chunk))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      client.completeMultipartUpload(
          r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    } catch (Exception e) {
      client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      throw e;
    }
  }

  @Override
  public void get(String key, String file) throws Exception {
    String bucket = args.require("--bucket");
    String suffix = args.get("--instruction-suffix");
    ResponseBytes<GetObjectResponse> bytes =
        client.getObject(
            r ->
                r.bucket(bucket)
                    .key(key)
                    .overrideConfiguration(
                        c -> {
                          S3EncryptionClient.withAdditionalConfiguration(context).accept(c);
                          if (suffix != null) {
                            S3EncryptionClient.withCustomInstructionFileSuffix(suffix).accept(c);
                          }
                        }),
            ResponseTransformer.toBytes());
    Files.write(Path.of(file), bytes.asByteArray());
  }
}
