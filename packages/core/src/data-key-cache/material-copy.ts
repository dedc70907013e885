/**
 * Copies of cached materials: each message gets its own material (its session zeroes it when
 * done) while the cache keeps the original until eviction. The data key travels as a fresh
 * export that the new material wraps in its own KeyObject and zeroes at once, so no stray
 * copy of the key is left to the garbage collector. @internal
 */
import {
  NodeDecryptionMaterial,
  NodeEncryptionMaterial,
  unwrapDataKey,
} from '@aws-crypto/material-management-node';

/** A new encryption material with the same data key, encrypted data keys and trace. */
export function copyEncryptionMaterial(src: NodeEncryptionMaterial): NodeEncryptionMaterial {
  const [setTrace, ...edkTraces] = src.keyringTrace;
  const edks = src.encryptedDataKeys;
  if (setTrace === undefined || edkTraces.length !== edks.length) {
    throw new Error('cached encryption material has an unexpected keyring trace');
  }
  const copy = new NodeEncryptionMaterial(src.suite, src.encryptionContext);
  copy.setUnencryptedDataKey(freshKeyBytes(src), setTrace);
  edks.forEach((edk, i) => copy.addEncryptedDataKey(edk, edkTraces[i]!.flags));
  const sk = src.suite.signatureCurve !== undefined ? src.signatureKey : undefined;
  if (sk !== undefined) copy.setSignatureKey(sk);
  return copy;
}

/** A new decryption material with the same data key and trace. */
export function copyDecryptionMaterial(src: NodeDecryptionMaterial): NodeDecryptionMaterial {
  const [setTrace] = src.keyringTrace;
  if (setTrace === undefined || src.keyringTrace.length !== 1) {
    throw new Error('cached decryption material has an unexpected keyring trace');
  }
  const copy = new NodeDecryptionMaterial(src.suite, src.encryptionContext);
  copy.setUnencryptedDataKey(freshKeyBytes(src), setTrace);
  // Signed suites: the verification key comes from the context, the same for every use.
  const vk = src.suite.signatureCurve !== undefined ? src.verificationKey : undefined;
  if (vk !== undefined) copy.setVerificationKey(vk);
  return copy;
}

/**
 * The data key as a new Uint8Array. `setUnencryptedDataKey` moves it into a KeyObject and
 * zeroes this array; if the material holds a raw array instead, that is copied.
 */
function freshKeyBytes(src: NodeEncryptionMaterial | NodeDecryptionMaterial): Uint8Array {
  const held = src.getUnencryptedDataKey();
  const bytes = unwrapDataKey(held);
  return bytes === held ? new Uint8Array(bytes) : bytes;
}
