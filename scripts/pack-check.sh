#!/usr/bin/env bash
# The packaging check (a step of scripts/test.sh; run after `pnpm build`): packs every
# publishable package with `pnpm pack`, lints each tarball with `publint --strict` and
# `attw` (@arethetypeswrong/cli), then installs the tarballs into a fresh consumer project in a
# temp dir, outside the workspace, and there: imports them from ESM and requires them from
# CommonJS (on Node 22 and Node 26), type-checks scripts/consumer/usage.{ts,cts} with
# `tsc --strict` without skipLibCheck, runs `s3enc --version`, and does a real `s3enc put` /
# `s3enc get` round trip through the installed bin against the local TLS test servers.
# Exits non-zero on the first failure. See docs/platform.md ("Packaging check").
set -euo pipefail
S3ENC_LOG_TAG=pack-check
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
s3enc_path_node22
cd "$S3ENC_ROOT"

PACKAGES=(core node cli)
# attw models CommonJS as unable to require() ES modules (true before Node 22.12), so it
# reports `cjs-resolves-to-esm` for every ESM-only package. Our engines start at 22.12, where
# require(esm) works; this script proves it below (require.cjs). Nothing else is ignored.
ATTW_EXPECTED=(cjs-resolves-to-esm)

work="$(mktemp -d "${TMPDIR:-/tmp}/s3enc-pack-check.XXXXXX")"
servers_pid=""
cleanup() {
  if [[ -n "$servers_pid" ]] && kill -0 "$servers_pid" 2>/dev/null; then
    kill -TERM "$servers_pid" 2>/dev/null || true
    wait "$servers_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# 1. Pack, and check what each tarball carries
mapfile -t tarballs < <(s3enc_pack_all "$work/tarballs")
((${#tarballs[@]} == ${#PACKAGES[@]})) || s3enc_die "packing failed"
for i in "${!PACKAGES[@]}"; do
  p="${PACKAGES[$i]}" tgz="${tarballs[$i]}"
  listing="$(tar tzf "$tgz")"
  want=(package/package.json package/README.md package/LICENSE package/dist/index.js package/dist/index.d.ts)
  [[ "$p" == cli ]] && want+=(package/bin/s3enc.js package/docs/cli.md package/docs/errors.md)
  for f in "${want[@]}"; do
    grep -qx "$f" <<<"$listing" || s3enc_die "$(basename "$tgz") lacks $f"
  done
  if grep -q '"workspace:' <(tar xzOf "$tgz" package/package.json); then
    s3enc_die "$(basename "$tgz") still has workspace: dependency ranges"
  fi
  s3enc_log "packed $(basename "$tgz") ($(wc -l <<<"$listing") files)"
done

# ---------------------------------------------------------------------------------------------
# 2. publint --strict and attw on each tarball
for tgz in "${tarballs[@]}"; do
  node node_modules/publint/src/cli.js run --strict "$tgz" >&2 ||
    s3enc_die "publint --strict failed for $(basename "$tgz")"
  node node_modules/@arethetypeswrong/cli/dist/index.js "$tgz" --no-emoji --no-color \
    --ignore-rules "${ATTW_EXPECTED[@]}" >&2 ||
    s3enc_die "attw failed for $(basename "$tgz")"
done

# ---------------------------------------------------------------------------------------------
# 3. A fresh consumer project outside the workspace
consumer="$work/consumer"
mkdir -p "$consumer"
cp scripts/consumer/usage.ts scripts/consumer/usage.cts scripts/consumer/import.mjs \
  scripts/consumer/require.cjs scripts/consumer/tsconfig.json "$consumer/"
printf '{ "name": "s3enc-consumer", "private": true, "type": "module" }\n' >"$consumer/package.json"
types_node="$(node -p 'require("./node_modules/@types/node/package.json").version')"
s3enc_log "npm install of the tarballs (+ @types/node@$types_node) into $consumer"
# --prefer-offline: the AWS SDK and other dependencies come from npm's cache when present.
(cd "$consumer" && npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "${tarballs[@]}" "@types/node@$types_node" >&2) || s3enc_die "npm install in the consumer project failed"

s3enc_log "tsc --strict (no skipLibCheck) on usage.ts and usage.cts"
node node_modules/typescript/bin/tsc -p "$consumer/tsconfig.json" >&2 ||
  s3enc_die "the consumer's type check failed"

for n in "$S3ENC_NODE22" "$S3ENC_NODE26"; do
  (cd "$consumer" && "$n" import.mjs && "$n" require.cjs) >&2 ||
    s3enc_die "importing/requiring the installed packages failed on $("$n" -v)"
done

bin="$consumer/node_modules/.bin/s3enc"
want_version="$(node -p 'require("./packages/cli/package.json").version')"
got_version="$("$bin" --version)"
[[ "$got_version" == *"$want_version"* ]] ||
  s3enc_die "installed s3enc --version printed '$got_version', expected $want_version"
s3enc_log "installed s3enc --version: $got_version"

# ---------------------------------------------------------------------------------------------
# 4. put/get through the installed bin against the test servers, started as scripts/demo.sh
#    does (the local TLS servers, or the external ones named by S3ENC_TEST_*)
node --import tsx test/cli/demo-servers.ts "$work/servers.json" 2>"$work/servers.log" &
servers_pid=$!
for _ in $(seq 1 900); do
  [[ -f "$work/servers.json" ]] && break
  kill -0 "$servers_pid" 2>/dev/null || { cat "$work/servers.log" >&2; s3enc_die "the test servers did not start"; }
  sleep 0.2
done
[[ -f "$work/servers.json" ]] || { cat "$work/servers.log" >&2; s3enc_die "the test servers did not start in time"; }
json() { node -e "const s=require(process.argv[1]); console.log(eval('s.'+process.argv[2]))" "$work/servers.json" "$1"; }
bucket="$(json bucket)"
(
  export AWS_ENDPOINT_URL_S3="$(json env.s3.endpoint)"
  export AWS_ENDPOINT_URL_KMS="$(json env.kms.endpoint)"
  ca="$(json env.caPath)"
  if [[ -n "$ca" && "$ca" != undefined ]]; then export AWS_CA_BUNDLE="$ca"; fi
  export AWS_REGION="$(json env.s3.region)"
  export AWS_ACCESS_KEY_ID="$(json env.s3.credentials.accessKeyId)"
  export AWS_SECRET_ACCESS_KEY="$(json env.s3.credentials.secretAccessKey)"
  export S3ENC_KMS_KEY_ID="$(json env.kmsKeys.primary.arn)"
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null NO_COLOR=1
  cd "$work"
  head -c 3000000 /dev/urandom >plain.bin
  "$bin" put plain.bin "s3://$bucket/pack-check/plain.bin" --context check=pack >&2
  "$bin" get "s3://$bucket/pack-check/plain.bin" plain.out --context check=pack >&2
  cmp plain.bin plain.out
) || s3enc_die "the put/get round trip through the installed s3enc failed"
s3enc_log "installed s3enc put/get round trip: identical"
s3enc_log "ok"
