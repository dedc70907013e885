// Issue #14: objects written by the official S3 Encryption Client for Java 4.x — V3 (default) and
// V2 (legacy settings), KMS / AES / RSA keyrings, metadata on the object or in an instruction
// file, single puts at sizes around the AES block and the part size, and a multipart object —
// read by s3enc.
import { MULTIPART, P, SMALL, WITH_PART, type MatrixCase } from './s3ec-matrix.js';
import { describePeerWritesS3encReads } from './s3ec-read-suite.js';

const context = { Department: 'finance', project: 'ledger' };

const CASES: MatrixCase[] = [
  {
    name: 'v3-kms',
    writer: 'v4',
    key: 'kms',
    flags: { context },
    sizes: WITH_PART,
    format: 's3ec-v3',
    context,
  },
  {
    name: 'v3-kms-instruction',
    writer: 'v4',
    key: 'kms',
    flags: { context, instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v3',
    context,
  },
  {
    name: 'v3-aes',
    writer: 'v4',
    key: 'aes',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v3',
    read: { aesKey: true },
  },
  {
    name: 'v3-aes-instruction',
    writer: 'v4',
    key: 'aes',
    flags: { instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v3',
    read: { aesKey: true },
  },
  {
    name: 'v3-rsa',
    writer: 'v4',
    key: 'rsa',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v3',
    read: { rsa: true },
  },
  {
    name: 'v3-rsa-instruction',
    writer: 'v4',
    key: 'rsa',
    flags: { instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v3',
    read: { rsa: true },
  },
  {
    name: 'v2-kms',
    writer: 'v4',
    key: 'kms',
    flags: { format: 'v2', context },
    sizes: SMALL,
    format: 's3ec-v2',
    context,
  },
  {
    name: 'v2-kms-instruction',
    writer: 'v4',
    key: 'kms',
    flags: { format: 'v2', context, instructionFile: true },
    sizes: SMALL,
    format: 's3ec-v2',
    context,
  },
  {
    name: 'v2-aes',
    writer: 'v4',
    key: 'aes',
    flags: { format: 'v2' },
    sizes: SMALL,
    format: 's3ec-v2',
    read: { aesKey: true },
  },
  {
    name: 'v2-rsa',
    writer: 'v4',
    key: 'rsa',
    flags: { format: 'v2' },
    sizes: SMALL,
    format: 's3ec-v2',
    read: { rsa: true },
  },
  {
    name: 'v3-kms-multipart',
    writer: 'v4',
    key: 'kms',
    flags: { context, multipart: true, partSize: P },
    sizes: MULTIPART,
    format: 's3ec-v3',
    context,
  },
  {
    name: 'v2-kms-multipart',
    writer: 'v4',
    key: 'kms',
    flags: { format: 'v2', multipart: true, partSize: P },
    sizes: MULTIPART,
    format: 's3ec-v2',
  },
];

describePeerWritesS3encReads('Java S3EC 4.x writes, s3enc reads', 's3ec-java-v4', CASES);
