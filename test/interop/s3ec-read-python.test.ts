// Issue #14: objects written by the official S3 Encryption Client for Python 4.x (KMS keyring,
// V3 and V2, with an encryption context, single puts and an upload_file multipart) read by s3enc.
import { MULTIPART, P, SMALL, WITH_PART, type MatrixCase } from './s3ec-matrix.js';
import { describePeerWritesS3encReads } from './s3ec-read-suite.js';

const context = { Tenant: 'acme', purpose: 'interop' };

const CASES: MatrixCase[] = [
  {
    name: 'v3-kms',
    writer: 'python',
    key: 'kms',
    flags: { context },
    sizes: WITH_PART,
    format: 's3ec-v3',
    context,
  },
  {
    name: 'v3-kms-no-context',
    writer: 'python',
    key: 'kms',
    flags: {},
    sizes: SMALL,
    format: 's3ec-v3',
  },
  {
    name: 'v2-kms',
    writer: 'python',
    key: 'kms',
    flags: { format: 'v2', context },
    sizes: SMALL,
    format: 's3ec-v2',
    context,
  },
  {
    name: 'v3-kms-multipart',
    writer: 'python',
    key: 'kms',
    flags: { context, multipart: true, partSize: P },
    sizes: MULTIPART,
    format: 's3ec-v3',
    context,
  },
];

describePeerWritesS3encReads('Python S3EC 4.x writes, s3enc reads', 's3ec-python', CASES);
