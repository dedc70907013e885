#!/usr/bin/env bash
# The README demo: sets up what it needs (bootstrap, build), starts the local TLS servers
# (MinIO + local-kms), then runs the s3enc CLI as a user would — keygen, put, head, get, a
# ranged get, and a tampered object — printing each command before running it, and stops the
# servers. Exits non-zero if any step does not do what it shows.
set -euo pipefail
S3ENC_LOG_TAG=demo
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE="$S3ENC_NODE22" # bootstrap (below) installs it; the machine's Node only bootstraps
state="$(mktemp -d)"
servers_pid=""
cleanup() {
  if [[ -n "$servers_pid" ]] && kill -0 "$servers_pid" 2>/dev/null; then
    echo
    echo "Stopping the local servers..."
    kill -TERM "$servers_pid" 2>/dev/null || true
    wait "$servers_pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT

echo "Setting up (tools, dependencies, server builds; the first run builds MinIO and local-kms)..."
if ! "$S3ENC_ROOT/scripts/bootstrap.sh" >"$state/bootstrap.log" 2>&1; then
  cat "$state/bootstrap.log" >&2
  s3enc_die "bootstrap failed"
fi
s3enc_path_node22
echo "Building s3enc..."
if ! (cd "$S3ENC_ROOT" && s3enc_pnpm -r --filter "./packages/**" run build) >"$state/build.log" 2>&1; then
  cat "$state/build.log" >&2
  s3enc_die "build failed"
fi

echo "Starting the local servers (fresh CA, MinIO over TLS, local-kms behind TLS)..."
(cd "$S3ENC_ROOT" && exec "$NODE" --import tsx test/cli/demo-servers.ts "$state/servers.json") \
  2>"$state/servers.log" &
servers_pid=$!
for _ in $(seq 1 600); do
  [[ -f "$state/servers.json" ]] && break
  if ! kill -0 "$servers_pid" 2>/dev/null; then
    cat "$state/servers.log" >&2
    s3enc_die "the local servers did not start"
  fi
  sleep 0.2
done
[[ -f "$state/servers.json" ]] || s3enc_die "the local servers did not start in time"

# Read the endpoints, CA, credentials, KMS key and bucket the servers were started with.
json() { "$NODE" -e "const s=require(process.argv[1]); console.log(eval('s.'+process.argv[2]))" "$state/servers.json" "$1"; }
BUCKET="$(json bucket)"
export AWS_ENDPOINT_URL_S3="$(json env.s3.endpoint)"
export AWS_ENDPOINT_URL_KMS="$(json env.kms.endpoint)"
export AWS_CA_BUNDLE="$(json env.caPath)"
export AWS_REGION="$(json env.s3.region)"
export AWS_ACCESS_KEY_ID="$(json env.s3.credentials.accessKeyId)"
export AWS_SECRET_ACCESS_KEY="$(json env.s3.credentials.secretAccessKey)"
export S3ENC_KMS_KEY_ID="$(json env.kmsKeys.primary.arn)"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export NO_COLOR=1

s3enc() { "$NODE" "$S3ENC_ROOT/packages/cli/bin/s3enc.js" "$@"; }
say() { printf '\n# %s\n' "$*"; }
show() { # prints the command as a user would type it, then runs it
  printf '$ %s\n' "$*"
  "$@"
}

work="$state/work"
mkdir -p "$work"
cd "$work"

say "The CLI is configured by the standard AWS variables (the credentials are the local MinIO's):"
for v in AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_KMS AWS_CA_BUNDLE AWS_REGION S3ENC_KMS_KEY_ID; do
  printf '$ export %s=%s\n' "$v" "${!v}"
done
printf '$ export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…\n'

say "A sample file: 3 MiB of text"
"$NODE" -e "const l='s3enc demo: client-side encrypted, every frame authenticated.\n'; process.stdout.write(l.repeat(Math.ceil(3*1024*1024/l.length)).slice(0,3*1024*1024))" >sample.txt
show ls -l sample.txt

say "A raw AES-256 key file for use without KMS (mode 0600, never overwritten)"
show s3enc keygen demo.key

say "Encrypt and upload: a fresh data key from KMS, wrapped by the KMS key and by demo.key too"
show s3enc put sample.txt "s3://$BUCKET/docs/sample.txt" --kms-key-id "$S3ENC_KMS_KEY_ID" --key-file demo.key --context project=demo

say "The envelope, read without unwrapping any key"
show s3enc head "s3://$BUCKET/docs/sample.txt"

say "Download and decrypt with KMS (S3ENC_KMS_KEY_ID is the default key), then compare"
show s3enc get "s3://$BUCKET/docs/sample.txt" sample.out --context project=demo
show cmp sample.txt sample.out
echo "round trip OK: identical"

say "Offline: the same object decrypts with the key file alone"
show s3enc get "s3://$BUCKET/docs/sample.txt" sample.offline --key-file demo.key
show cmp sample.txt sample.offline

say "A ranged get (HTTP inclusive bytes): only the frames covering it are fetched and authenticated"
printf '$ s3enc get s3://%s/docs/sample.txt - --range bytes=0-61\n' "$BUCKET"
s3enc get "s3://$BUCKET/docs/sample.txt" - --range bytes=0-61 --context project=demo

say "Now someone with write access to the bucket flips one bit of the stored ciphertext"
printf '$ (flip one bit of s3://%s/docs/sample.txt)\n' "$BUCKET"
(cd "$S3ENC_ROOT" && "$NODE" --import tsx test/cli/demo-tamper.ts "$state/servers.json" docs/sample.txt)

say "get refuses it: exit code 3 (integrity), a generic message, and no output file"
printf '$ s3enc get s3://%s/docs/sample.txt tampered.out\n' "$BUCKET"
rc=0
s3enc get "s3://$BUCKET/docs/sample.txt" tampered.out || rc=$?
echo "exit code: $rc"
[[ "$rc" == 3 ]] || s3enc_die "expected exit code 3 for a tampered object, got $rc"
show ls tampered.out 2>&1 || true
[[ ! -e tampered.out ]] || s3enc_die "a partial file was left behind"

say "Demo complete: round trip identical, ranged read authenticated, tampering detected (exit 3)."
