"""Connections of the Python peers: the test servers named by S3ENC_PEER_* variables.

TLS trust is the run's CA (S3ENC_PEER_CA_FILE); certificate checks are never turned off.
"""

import json
import os
import sys

import boto3
from botocore.config import Config


def need(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"environment variable {name} is not set")
    return value


def s3_client():
    return boto3.client(
        "s3",
        endpoint_url=need("S3ENC_PEER_S3_ENDPOINT"),
        region_name=need("S3ENC_PEER_S3_REGION"),
        aws_access_key_id=need("S3ENC_PEER_S3_ACCESS_KEY_ID"),
        aws_secret_access_key=need("S3ENC_PEER_S3_SECRET_ACCESS_KEY"),
        verify=need("S3ENC_PEER_CA_FILE"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
    )


def kms_client():
    return boto3.client(
        "kms",
        endpoint_url=need("S3ENC_PEER_KMS_ENDPOINT"),
        region_name=need("S3ENC_PEER_KMS_REGION"),
        aws_access_key_id=need("S3ENC_PEER_KMS_ACCESS_KEY_ID"),
        aws_secret_access_key=need("S3ENC_PEER_KMS_SECRET_ACCESS_KEY"),
        verify=need("S3ENC_PEER_CA_FILE"),
        config=Config(retries={"max_attempts": 2}),
    )


def context_arg(text):
    """A JSON object of strings, or None."""
    if text is None:
        return None
    value = json.loads(text)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        sys.exit("--context-json must be a JSON object of strings")
    return value


def report(key, error=None):
    """One JSON line per object, as the Java peer prints them."""
    line = {"key": key, "ok": error is None}
    if error is not None:
        line["error"] = f"{type(error).__name__}: {error}"[:2000]
    print(json.dumps(line), flush=True)
