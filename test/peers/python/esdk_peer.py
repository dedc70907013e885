"""The AWS Encryption SDK for Python as an interop peer (messages, not S3 objects).

usage: esdk_peer.py encrypt|decrypt --in FILE --out FILE [--in FILE --out FILE ...]
         (--aes-key-file FILE --namespace NS --key-name NAME | --kms-key-id ARN)
         [--context-json J] [--frame-length N] [--signed]

A raw AES key file holds the 32 key bytes (raw, 64 hex or 44 base64 characters, as s3enc's key
files). encrypt writes suite 0x0478 (AES-256-GCM, HKDF-SHA512, key commitment, no signature —
s3enc's suite) unless --signed (0x0578, the SDK's default). One JSON line per --in/--out pair;
decrypt reports the message's encryption context, suite and frame length, and writes the
plaintext to --out only after the SDK has verified the whole message. Exit 0 only when every
pair succeeded.
"""

import argparse
import base64
import json
import re
import sys

import aws_encryption_sdk
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.identifiers import Algorithm, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.kms import KMSMasterKey, KMSMasterKeyConfig
from aws_encryption_sdk.key_providers.raw import RawMasterKey
from peer_env import context_arg, kms_client


def read_key_file(path):
    raw = open(path, "rb").read()
    if len(raw) == 32:
        return raw
    text = raw.decode("ascii", "replace").strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    if re.fullmatch(r"[A-Za-z0-9+/]{43}=", text):
        return base64.b64decode(text)
    sys.exit(f"{path}: not an AES-256 key (32 raw bytes, 64 hex or 44 base64 characters)")


def master_key(args):
    if args.kms_key_id:
        return KMSMasterKey(config=KMSMasterKeyConfig(key_id=args.kms_key_id, client=kms_client()))
    if not (args.aes_key_file and args.namespace and args.key_name):
        sys.exit("give --kms-key-id, or --aes-key-file with --namespace and --key-name")
    return RawMasterKey(
        provider_id=args.namespace,
        key_id=args.key_name.encode("utf-8"),
        wrapping_key=WrappingKey(
            wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
            wrapping_key=read_key_file(args.aes_key_file),
            wrapping_key_type=EncryptionKeyType.SYMMETRIC,
        ),
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("op", choices=["encrypt", "decrypt"])
    p.add_argument("--in", dest="src", action="append", required=True)
    p.add_argument("--out", action="append", required=True)
    p.add_argument("--aes-key-file")
    p.add_argument("--namespace")
    p.add_argument("--key-name")
    p.add_argument("--kms-key-id")
    p.add_argument("--context-json")
    p.add_argument("--frame-length", type=int, default=4096)
    p.add_argument("--signed", action="store_true")
    args = p.parse_args()
    key = master_key(args)
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    if len(args.src) != len(args.out):
        sys.exit("give as many --out as --in")
    ok = True
    for src, out in zip(args.src, args.out):
        ok = run_one(client, key, args, src, out) and ok
    sys.exit(0 if ok else 1)


def run_one(client, key, args, src, out_path):
    data = open(src, "rb").read()
    try:
        if args.op == "encrypt":
            out, _ = client.encrypt(
                source=data,
                key_provider=key,
                encryption_context=context_arg(args.context_json) or {},
                frame_length=args.frame_length,
                algorithm=Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
                if args.signed
                else Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            )
            open(out_path, "wb").write(out)
            print(json.dumps({"ok": True}), flush=True)
        else:
            plain, header = client.decrypt(source=data, key_provider=key)
            open(out_path, "wb").write(plain)
            print(
                json.dumps(
                    {
                        "ok": True,
                        "encryptionContext": header.encryption_context,
                        "suite": header.algorithm.algorithm_id,
                        "frameLength": header.frame_length,
                    }
                ),
                flush=True,
            )
        return True
    except Exception as e:  # noqa: BLE001 — the test reads the class and message
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"[:2000]}), flush=True)
        return False

if __name__ == "__main__":
    main()
