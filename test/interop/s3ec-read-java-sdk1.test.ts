// Issue #14: objects written by the AWS SDK for Java v1 encryption clients, read by s3enc.
// `AmazonS3EncryptionClient` (the V1-era writer): the `kms` wrap with AES/GCM content is the
// shape Amazon SES stores received mail in (its material description carries `aws:ses:*`
// entries and is the KMS encryption context) and needs no option; AES/CBC content, the true V1
// `x-amz-key` envelope, AESWrap and the RSA envelopes are refused unless the explicitly named
// option is set. `AmazonS3EncryptionClientV2`: `kms+context`, `AES/GCM`, `RSA-OAEP-SHA1`.
import { SMALL, WITH_PART, type MatrixCase } from './s3ec-matrix.js';
import { describePeerWritesS3encReads } from './s3ec-read-suite.js';

/** What SES adds to the material description of the mail it stores (with kms_cmk_id). */
const ses = {
  'aws:ses:message-id': 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
  'aws:ses:rule-name': 'inbound-to-s3',
  'aws:ses:source-account': '111122223333',
};
const legacyContent = 'ERR_S3ENC_S3EC_LEGACY_CONTENT';
const legacyWrap = 'ERR_S3ENC_S3EC_LEGACY_WRAPPING';

const CASES: MatrixCase[] = [
  // V1-era client, AuthenticatedEncryption (GCM).
  {
    name: 'v1-kms-gcm-ses',
    writer: 'sdk1-v1',
    key: 'kms',
    flags: { matdesc: ses },
    sizes: WITH_PART,
    format: 's3ec-v1',
    context: ses,
  },
  {
    name: 'v1-kms-gcm-instruction',
    writer: 'sdk1-v1',
    key: 'kms',
    flags: { matdesc: ses, instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v1',
    context: ses,
  },
  {
    name: 'v1-aeswrap-gcm',
    writer: 'sdk1-v1',
    key: 'aes',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v1',
    read: { aesKey: true, allowLegacyKeyWrapping: true },
    refusedWithout: legacyWrap,
  },
  {
    name: 'v1-rsa-oaep-gcm',
    writer: 'sdk1-v1',
    key: 'rsa',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v1',
    read: { rsa: true, allowLegacyKeyWrapping: true },
    refusedWithout: legacyWrap,
  },
  // V1-era client, EncryptionOnly (CBC).
  {
    name: 'v1-kms-cbc',
    writer: 'sdk1-v1',
    key: 'kms',
    flags: { cbc: true },
    sizes: SMALL,
    format: 's3ec-v1',
    read: { allowUnauthenticatedLegacyContent: true },
    refusedWithout: legacyContent,
  },
  {
    name: 'v1-kms-cbc-instruction',
    writer: 'sdk1-v1',
    key: 'kms',
    flags: { cbc: true, instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v1',
    read: { allowUnauthenticatedLegacyContent: true },
    refusedWithout: legacyContent,
  },
  {
    name: 'v1-aes-ecb-cbc',
    writer: 'sdk1-v1',
    key: 'aes',
    flags: { cbc: true },
    sizes: SMALL,
    format: 's3ec-v1',
    read: { aesKey: true, allowLegacyKeyWrapping: true, allowUnauthenticatedLegacyContent: true },
    refusedWithout: legacyWrap,
  },
  {
    name: 'v1-rsa-pkcs1-cbc',
    writer: 'sdk1-v1',
    key: 'rsa',
    flags: { cbc: true },
    sizes: SMALL,
    format: 's3ec-v1',
    read: { rsa: true, allowLegacyKeyWrapping: true, allowUnauthenticatedLegacyContent: true },
    refusedWithout: legacyWrap,
  },
  // AmazonS3EncryptionClientV2.
  {
    name: 'v2-kms-context',
    writer: 'sdk1-v2',
    key: 'kms',
    flags: { matdesc: { Team: 'mail', region: 'eu' } },
    sizes: SMALL,
    format: 's3ec-v2',
    context: { Team: 'mail', region: 'eu' },
  },
  {
    name: 'v2-kms-instruction',
    writer: 'sdk1-v2',
    key: 'kms',
    flags: { instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v2',
  },
  {
    name: 'v2-aes-gcm',
    writer: 'sdk1-v2',
    key: 'aes',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v2',
    read: { aesKey: true },
  },
  {
    name: 'v2-rsa-oaep-sha1',
    writer: 'sdk1-v2',
    key: 'rsa',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v2',
    read: { rsa: true },
  },
];

describePeerWritesS3encReads(
  'AWS SDK for Java v1 encryption clients write, s3enc reads',
  's3ec-java-sdk1',
  CASES,
);
