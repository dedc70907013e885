#!/usr/bin/env bash
# THE test command (README, .ci/run): bootstrap, build, lint, then every vitest project (unit +
# integration against the local TLS servers) on the machine's Node (>= 20.18) and on Node 24.
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
NODE="$(s3enc_system_node)"
cd "$S3ENC_ROOT"
# Package scripts call `pnpm`: the shim dir holds only that (never Node 24's .bin).
export PATH="$S3ENC_SHIM_DIR:$PATH"

# The AWS SDK warns on every Node 20 process that its 2027 releases need Node 22; we know.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

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
step lint s3enc_pnpm lint
step "vitest node $("$NODE" -v)" "$NODE" node_modules/vitest/vitest.mjs run "$@"
step "vitest node $("$S3ENC_NODE24" -v)" "$S3ENC_NODE24" node_modules/vitest/vitest.mjs run "$@"
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
