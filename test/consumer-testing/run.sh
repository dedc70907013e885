#!/usr/bin/env bash
# Consumer check of @s3enc/testing: packs @s3enc/core, @s3enc/node and @s3enc/testing (pnpm pack,
# so workspace: ranges become versions), installs the tarballs into a fresh project outside the
# monorepo, and runs its vitest file (project/put-get.spec.ts) and its Jest file
# (project/put-get.jest.spec.js), each putting and getting an encrypted object through the kit. Runtime as S3ENC_TEST_RUNTIME says (default auto: containers when an
# engine answers, processes otherwise). Needs the packages built (pnpm build) and the servers
# bootstrapped. Third-party dependencies come from the npm registry (pnpm store reused).
set -euo pipefail
S3ENC_LOG_TAG=consumer-testing
# shellcheck source=../../scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"
HERE="$S3ENC_ROOT/test/consumer-testing"
s3enc_path_node22
NODE="$S3ENC_NODE22"

for p in core node testing; do
  [[ -f "$S3ENC_ROOT/packages/$p/dist/index.js" ]] ||
    s3enc_die "packages/$p/dist is missing: run pnpm build first"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/s3enc-consumer-testing.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs" "$work/project"
for p in core node testing; do
  (cd "$S3ENC_ROOT/packages/$p" && s3enc_pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
tgz() { ls "$work/tarballs"/s3enc-"$1"-*.tgz; }
vitest_version="$("$NODE" -p 'require(process.argv[1]).version' "$S3ENC_ROOT/node_modules/vitest/package.json")"

cp "$HERE/project/vitest.config.ts" "$HERE/project/global-setup.ts" "$HERE/project/jest.config.js" \
  "$work/project/"
cp "$HERE/project/put-get.spec.ts" "$work/project/put-get.test.ts"
cp "$HERE/project/put-get.jest.spec.js" "$work/project/put-get.jest.test.js"
jest_version="$(sed -n 's/^JEST_VERSION=//p' "$HERE/versions.env")"
# Overrides: @s3enc/node's dependency on @s3enc/core must be the packed one, not a registry lookup.
cat >"$work/project/package.json" <<JSON
{
  "name": "s3enc-consumer-testing",
  "private": true,
  "type": "module",
  "dependencies": {
    "@s3enc/core": "file:$(tgz core)",
    "@s3enc/node": "file:$(tgz node)"
  },
  "devDependencies": {
    "@jest/globals": "$jest_version",
    "@s3enc/testing": "file:$(tgz testing)",
    "jest": "$jest_version",
    "vitest": "$vitest_version"
  },
  "pnpm": {
    "overrides": {
      "@s3enc/core": "file:$(tgz core)",
      "@s3enc/node": "file:$(tgz node)"
    }
  }
}
JSON
s3enc_log "installing the packed tarballs into $work/project"
(cd "$work/project" && CI=true s3enc_pnpm install --prefer-offline --reporter=append-only >&2)
s3enc_log "running the consumer's vitest file (S3ENC_TEST_RUNTIME=${S3ENC_TEST_RUNTIME:-auto})"
cd "$work/project"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
"$NODE" node_modules/vitest/vitest.mjs run
s3enc_log "running the consumer's Jest file"
# Jest runs native ESM test files only with vm modules.
NODE_OPTIONS=--experimental-vm-modules "$NODE" node_modules/jest/bin/jest.js
