/**
 * Upload bodies are sent with `x-amz-content-sha256: UNSIGNED-PAYLOAD` unless the caller asks
 * for signed payloads (`signPayload`). SigV4's payload hash is one SHA-256 pass over every byte
 * uploaded — in `bench/transfer-profile.ts` the largest CPU item of a put, several times the
 * AES-GCM sealing. What it would protect is already protected: s3enc speaks only TLS, every
 * part and PutObject carries a CRC32C (or the chosen) checksum that S3 verifies, and the body
 * is ciphertext whose frames are authenticated on read. The AWS CLI and the Go SDK make the
 * same choice over HTTPS. A bucket policy may demand signed payloads (condition on
 * `s3:x-amz-content-sha256`): `signPayload: true` / `--sign-payload` is for those buckets.
 * @internal
 */
import { HttpRequest } from '@smithy/protocol-http';
import type {
  AbsoluteLocation,
  BuildHandlerOptions,
  BuildMiddleware,
  MetadataBearer,
} from '@smithy/types';

/** The header the SigV4 signer reads a precomputed payload hash from. */
const CONTENT_SHA256 = 'x-amz-content-sha256';

/** Any SDK command (its middleware stack takes build-step middleware). */
interface CommandWithStack {
  readonly middlewareStack: {
    add(
      middleware: BuildMiddleware<never, MetadataBearer>,
      options: BuildHandlerOptions & AbsoluteLocation,
    ): void;
  };
}

const unsignedPayload: BuildMiddleware<never, MetadataBearer> = (next) => async (args) => {
  if (HttpRequest.isInstance(args.request)) {
    args.request.headers[CONTENT_SHA256] = 'UNSIGNED-PAYLOAD';
  }
  return next(args);
};

/**
 * Makes `command` send its body unsigned (set before the signer runs, which then uses the
 * header instead of hashing the body), unless `signPayload`. Returns the command.
 */
export function withPayloadSigning<C extends CommandWithStack>(
  command: C,
  signPayload: boolean,
): C {
  if (!signPayload) {
    command.middlewareStack.add(unsignedPayload, {
      step: 'build',
      name: 's3encUnsignedPayload',
      override: true,
    });
  }
  return command;
}
