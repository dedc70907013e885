#!/usr/bin/env bash
# Starts the local TLS test servers (MinIO + local-kms behind TLS, a fresh CA, an Object-Lock
# bucket) and keeps them running until Ctrl-C, for trying the CLI by hand. Prints the
# environment to export in another shell. Everything (data, CA, bucket) is removed on exit.
# Usage: scripts/servers.sh [ENV_FILE]   (also writes the exports to ENV_FILE if given)
set -euo pipefail
S3ENC_LOG_TAG=servers
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$S3ENC_ROOT/scripts/bootstrap.sh" >/dev/null
s3enc_path_node22
state="$(mktemp -d "${TMPDIR:-/tmp}/s3enc-servers.XXXXXX")"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    s3enc_log "stopping the servers"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

s3enc_log "starting MinIO and local-kms over TLS on 127.0.0.1 (fresh CA)"
(cd "$S3ENC_ROOT" && exec node --import tsx test/cli/demo-servers.ts "$state/servers.json") \
  2>"$state/servers.log" &
pid=$!
for _ in $(seq 1 900); do
  [[ -f "$state/servers.json" ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$state/servers.log" >&2; s3enc_die "the servers did not start"; }
  sleep 0.2
done
[[ -f "$state/servers.json" ]] || s3enc_die "the servers did not start in time"

json() { node -e "const s=require(process.argv[1]); console.log(eval('s.'+process.argv[2]))" "$state/servers.json" "$1"; }
exports="$(cat <<EOT
export AWS_ENDPOINT_URL_S3=$(json env.s3.endpoint)
export AWS_ENDPOINT_URL_KMS=$(json env.kms.endpoint)
export AWS_CA_BUNDLE=$(json env.caPath)
export AWS_REGION=$(json env.s3.region)
export AWS_ACCESS_KEY_ID=$(json env.s3.credentials.accessKeyId)
export AWS_SECRET_ACCESS_KEY=$(json env.s3.credentials.secretAccessKey)
export S3ENC_KMS_KEY_ID=$(json env.kmsKeys.primary.arn)
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
EOT
)"
if [[ -n "${1:-}" ]]; then
  printf '%s\n' "$exports" >"$1"
fi
cat <<EOT

The local servers are running (Ctrl-C stops them and deletes everything). In another shell:

$exports

Bucket (versioning and Object Lock enabled): s3://$(json bucket)
Try:  s3enc put README.md s3://$(json bucket)/readme.md && s3enc get s3://$(json bucket)/readme.md -
EOT
wait "$pid"
