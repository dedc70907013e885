"""The Amazon S3 Encryption Client for Python 4.x as an interop peer.

usage: s3ec_peer.py put|get --bucket B --kms-key-id ARN [--format v3|v2] [--context-json J]
                     [--multipart --part-size N] [--legacy] [--instruction-suffix S]
                     --object KEY=FILE [--object KEY=FILE ...]

put: V3 (default) or V2 (the non-committing suite with FORBID_ENCRYPT_ALLOW_DECRYPT), KMS
keyring, metadata on the object; --multipart uses upload_file. get: V3 only unless --format v2
or --legacy (legacy wrapping and unauthenticated modes, as the official readers need for V1).
One JSON line per object on stdout; exit 0 only when every object succeeded.
"""

import argparse
import sys

from peer_env import context_arg, kms_client, report, s3_client
from s3_encryption import S3EncryptionClient, S3EncryptionClientConfig
from s3_encryption.materials.kms_keyring import KmsKeyring
from s3_encryption.materials.materials import AlgorithmSuite, CommitmentPolicy


def build(args):
    legacy = args.legacy
    keyring = KmsKeyring(
        kms_client=kms_client(),
        kms_key_id=args.kms_key_id,
        enable_legacy_wrapping_algorithms=legacy,
    )
    if args.format == "v2":
        config = S3EncryptionClientConfig(
            keyring=keyring,
            encryption_algorithm=AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF,
            commitment_policy=CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
            enable_legacy_unauthenticated_modes=legacy,
        )
    elif legacy:
        config = S3EncryptionClientConfig(
            keyring=keyring,
            commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
            enable_legacy_unauthenticated_modes=True,
        )
    else:
        config = S3EncryptionClientConfig(keyring=keyring)
    return S3EncryptionClient(wrapped_s3_client=s3_client(), config=config)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("op", choices=["put", "get"])
    p.add_argument("--bucket", required=True)
    p.add_argument("--kms-key-id", required=True)
    p.add_argument("--format", choices=["v3", "v2"], default="v3")
    p.add_argument("--context-json")
    p.add_argument("--multipart", action="store_true")
    p.add_argument("--part-size", type=int, default=5 * 1024 * 1024)
    p.add_argument("--legacy", action="store_true")
    p.add_argument("--instruction-suffix")
    p.add_argument("--object", action="append", required=True)
    args = p.parse_args()
    context = context_arg(args.context_json)
    client = build(args)
    ok = True
    for spec in args.object:
        key, sep, path = spec.partition("=")
        if not sep or not key:
            sys.exit(f"--object wants KEY=FILE: {spec}")
        try:
            extra = {"EncryptionContext": context} if context else {}
            if args.op == "put":
                if args.multipart:
                    client.upload_file(
                        path,
                        args.bucket,
                        key,
                        multipart_threshold=1,
                        multipart_chunksize=args.part_size,
                        **extra,
                    )
                else:
                    with open(path, "rb") as f:
                        client.put_object(Bucket=args.bucket, Key=key, Body=f.read(), **extra)
            else:
                if args.instruction_suffix:
                    extra["InstructionFileSuffix"] = args.instruction_suffix
                body = client.get_object(Bucket=args.bucket, Key=key, **extra)["Body"].read()
                with open(path, "wb") as f:
                    f.write(body)
            report(key)
        except Exception as e:  # noqa: BLE001 — every failure is reported per object
            ok = False
            report(key, e)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
