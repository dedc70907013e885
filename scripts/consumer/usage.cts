// The same packages from CommonJS (require of ESM, Node 22.12+), type-checked like usage.ts.
import { SUITE_ID } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { ExitCode } from 's3enc';

export const suite: 0x0478 = SUITE_ID;
export const clientClass: typeof EncryptedS3Client = EncryptedS3Client;
export const ok: 0 = ExitCode.OK;
