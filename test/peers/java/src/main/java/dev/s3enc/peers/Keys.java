package dev.s3enc.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Key material from files: a raw 32-byte AES key, an RSA private key in PKCS#8 PEM. */
final class Keys {
  private Keys() {}

  static SecretKey aes(String path) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of(path));
    if (raw.length != 32) throw new IllegalArgumentException(path + ": want 32 raw key bytes");
    return new SecretKeySpec(raw, "AES");
  }

  static KeyPair rsa(String path) throws Exception {
    String pem = Files.readString(Path.of(path));
    String b64 =
        pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    KeyFactory kf = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey priv =
        (RSAPrivateCrtKey) kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    var pub = kf.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
    return new KeyPair(pub, priv);
  }
}
