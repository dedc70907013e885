package dev.s3enc.peers;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.kms.AWSKMS;
import com.amazonaws.services.kms.AWSKMSClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3EncryptionClientBuilder;
import com.amazonaws.services.s3.AmazonS3EncryptionClientV2Builder;
import com.amazonaws.services.s3.model.CryptoConfiguration;
import com.amazonaws.services.s3.model.CryptoConfigurationV2;
import com.amazonaws.services.s3.model.CryptoMode;
import com.amazonaws.services.s3.model.CryptoStorageMode;
import com.amazonaws.services.s3.model.EncryptionMaterials;
import com.amazonaws.services.s3.model.EncryptionMaterialsProvider;
import com.amazonaws.services.s3.model.KMSEncryptionMaterials;
import com.amazonaws.services.s3.model.KMSEncryptionMaterialsProvider;
import com.amazonaws.services.s3.model.S3Object;
import com.amazonaws.services.s3.model.StaticEncryptionMaterialsProvider;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The AWS SDK for Java v1 encryption clients. {@code sdk1-v1}: the deprecated
 * {@code AmazonS3EncryptionClient}, in AuthenticatedEncryption mode (AES/GCM content; KMS wrap
 * {@code kms} — the shape Amazon SES stores mail in — or AESWrap) or, with {@code --cbc}, in
 * EncryptionOnly mode (AES/CBC content; an AES key then gives the true V1 {@code x-amz-key}).
 * {@code sdk1-v2}: {@code AmazonS3EncryptionClientV2} ({@code kms+context}, {@code AES/GCM},
 * {@code RSA-OAEP-SHA1}). {@code --matdesc-json} entries go into the material description (for
 * KMS, the encryption context); {@code --instruction-file} stores the metadata in
 * {@code <key>.instruction}.
 */
final class Sdk1Peer implements Main.Peer {
  private final Args args;
  private final AmazonS3 client;

  @SuppressWarnings("deprecation")
  Sdk1Peer(Args args, Env env, boolean v2) throws Exception {
    this.args = args;
    AWSKMS kms =
        AWSKMSClientBuilder.standard()
            .withEndpointConfiguration(new EndpointConfiguration(env.kmsEndpoint, env.kmsRegion))
            .withCredentials(
                new AWSStaticCredentialsProvider(
                    new BasicAWSCredentials(env.kmsAccessKey, env.kmsSecretKey)))
            .build();
    var s3Endpoint = new EndpointConfiguration(env.s3Endpoint, env.s3Region);
    var s3Creds =
        new AWSStaticCredentialsProvider(new BasicAWSCredentials(env.s3AccessKey, env.s3SecretKey));
    CryptoStorageMode storage =
        args.has("--instruction-file")
            ? CryptoStorageMode.InstructionFile
            : CryptoStorageMode.ObjectMetadata;
    EncryptionMaterialsProvider materials = materials(args);
    if (v2) {
      CryptoMode mode =
          args.has("--legacy") ? CryptoMode.AuthenticatedEncryption : CryptoMode.StrictAuthenticatedEncryption;
      client =
          AmazonS3EncryptionClientV2Builder.standard()
              .withEndpointConfiguration(s3Endpoint)
              .withPathStyleAccessEnabled(true)
              .withCredentials(s3Creds)
              .withKmsClient(kms)
              .withEncryptionMaterialsProvider(materials)
              .withCryptoConfiguration(
                  new CryptoConfigurationV2().withCryptoMode(mode).withStorageMode(storage))
              .build();
    } else {
      CryptoMode mode = args.has("--cbc") ? CryptoMode.EncryptionOnly : CryptoMode.AuthenticatedEncryption;
      client =
          AmazonS3EncryptionClientBuilder.standard()
              .withEndpointConfiguration(s3Endpoint)
              .withPathStyleAccessEnabled(true)
              .withCredentials(s3Creds)
              .withKmsClient(kms)
              .withEncryptionMaterials(materials)
              .withCryptoConfiguration(new CryptoConfiguration(mode).withStorageMode(storage))
              .build();
    }
  }

  private static EncryptionMaterialsProvider materials(Args args) throws Exception {
    Map<String, String> matdesc = args.map("--matdesc-json");
    if (args.get("--kms-key-id") != null) {
      KMSEncryptionMaterials m = new KMSEncryptionMaterials(args.get("--kms-key-id"));
      for (var e : matdesc.entrySet()) m.addDescription(e.getKey(), e.getValue());
      return new KMSEncryptionMaterialsProvider(m);
    }
    EncryptionMaterials m;
    if (args.get("--aes-key-file") != null) {
      m = new EncryptionMaterials(Keys.aes(args.get("--aes-key-file")));
    } else if (args.get("--rsa-key-file") != null) {
      m = new EncryptionMaterials(Keys.rsa(args.get("--rsa-key-file")));
    } else {
      throw new IllegalArgumentException("give --kms-key-id, --aes-key-file or --rsa-key-file");
    }
    for (var e : matdesc.entrySet()) m = m.addDescription(e.getKey(), e.getValue());
    return new StaticEncryptionMaterialsProvider(m);
  }

  @Override
  public void put(String key, String file) {
    client.putObject(args.require("--bucket"), key, new File(file));
  }

  @Override
  public void get(String key, String file) throws Exception {
    try (S3Object o = client.getObject(args.require("--bucket"), key);
        InputStream in = o.getObjectContent()) {
      byte[] plain = in.readAllBytes();
      Files.write(Path.of(file), plain);
    }
  }
}
