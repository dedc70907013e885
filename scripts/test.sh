#!/usr/bin/env bash
# THE test command (README, .ci/run): bootstrap (the machine's Node only runs it), then on Node 22
# build, lint, every vitest project (unit + integration against the local TLS servers), the
# packaging check and cfn-lint; then every vitest project again on Node 26 (docs/platform.md).
# Extra arguments are passed to both vitest runs (e.g. a file filter).
set -euo pipefail
S3ENC_LOG_TAG=test
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start=$SECONDS
if ! "$S3ENC_ROOT/scripts/bootstrap.sh"; then
  echo "s3enc test: FAILED — bootstrap FAILED (see the messages above) — total $((SECONDS - start))s"
  exit 1
fi
boot_s=$((SECONDS - start))
cd "$S3ENC_ROOT"
s3enc_path_node22

declare -a summary=("bootstrap ok (${boot_s}s)")
failed=0
step() { # name, command...
  local name="$1" t0=$SECONDS rc=0
  shift
  s3enc_log "=== $name: $*"
  "$@" || rc=$?
  if ((rc == 0)); then
    summary+=("$name ok ($((SECONDS - t0))s)")
  else
    summary+=("$name FAILED (exit $rc)")
    failed=1
  fi
}

step build s3enc_pnpm build
# The build emits declarations without reporting type errors; this is the type check.
step typecheck s3enc_pnpm typecheck
step lint s3enc_pnpm lint
# The built packages as a consumer gets them: pack, publint, attw, install, use.
step packaging "$S3ENC_ROOT/scripts/pack-check.sh"
# @s3enc/testing as a consumer gets it: packed, installed in a fresh project, a vitest and a Jest file.
step consumer-testing "$S3ENC_ROOT/test/consumer-testing/run.sh"
step cfn-lint "$S3ENC_ROOT/scripts/cfn-lint.sh"
# The interop peers (other languages' S3 Encryption Clients, the Python Encryption SDK).
step peers bash "$S3ENC_ROOT/scripts/peers.sh"
step "vitest node $("$S3ENC_NODE22" -v)" "$S3ENC_NODE22" node_modules/vitest/vitest.mjs run "$@"
step "vitest node $("$S3ENC_NODE26" -v)" "$S3ENC_NODE26" node_modules/vitest/vitest.mjs run "$@"
# >>> containers (issue #18): the smoke tests and transfer round trips again, in the container
# runtime (MinIO and local-kms as containers). Installs docker.io and starts/stops dockerd as
# root when no engine runs; without an engine it prints one line and succeeds.
step containers "$S3ENC_ROOT/scripts/containers.sh"
# <<< containers

elapsed=$((SECONDS - start))
line="$(IFS=';'; echo "${summary[*]}" | sed 's/;/, /g')"
if ((failed)); then
  echo "s3enc test: FAILED — $line — total $((elapsed / 60))m$((elapsed % 60))s"
  exit 1
fi
echo "s3enc test: PASSED — $line — total $((elapsed / 60))m$((elapsed % 60))s"
