#!/usr/bin/env bash
# The README demo: bootstrap (idempotent), start the local TLS servers, do an encrypted-transport
# round trip (SSE-C, SSE-KMS, KMS data key with encryption context), print each step, stop.
set -euo pipefail
S3ENC_LOG_TAG=demo
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

boot_log="$(mktemp)"
trap 'rm -f "$boot_log"' EXIT
echo "Bootstrapping (tools, dependencies, test servers; the first run builds MinIO and local-kms)..."
if ! "$S3ENC_ROOT/scripts/bootstrap.sh" >"$boot_log" 2>&1; then
  cat "$boot_log" >&2
  s3enc_die "bootstrap failed"
fi
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
cd "$S3ENC_ROOT/test"
"$(s3enc_system_node)" --import tsx harness/demo.ts
