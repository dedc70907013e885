#!/usr/bin/env bash
# One-time (idempotent) setup for building and testing s3enc:
#   1. checks the machine's Node and npm (they only run this script's npm installs);
#   2. installs pnpm, Node 22 and Node 26 (npm packages `pnpm`, `node`) into
#      $S3ENC_CACHE_DIR/tools — Node 22 runs pnpm, the build, lint and tests; Node 26 the tests;
#   3. pnpm install --frozen-lockfile (on Node 22);
#   4. builds the pinned test servers (MinIO, local-kms) and the MinIO admin tool of the
#      replication tests (test/tools/minio-remote-target) with Go into
#      $S3ENC_CACHE_DIR/servers, reused when present.
# S3ENC_CACHE_DIR defaults to ~/.cache/s3enc. See docs/testing.md and docs/platform.md.
set -euo pipefail
S3ENC_LOG_TAG=bootstrap
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------------------------------------
# 1. The machine's Node (bootstrap only)
NODE="$(s3enc_system_node)"
[[ -n "$NODE" ]] || s3enc_die "Node.js >= $NODE_BOOTSTRAP_MIN_VERSION with npm is required to bootstrap but 'node' is not on PATH. Install Node.js (https://nodejs.org) and retry."
if ! "$NODE" -e '
  const want = process.argv[1].split(".").map(Number);
  const have = process.versions.node.split(".").map(Number);
  for (let i = 0; i < 3; i++) { if (have[i] !== want[i]) process.exit(have[i] > want[i] ? 0 : 1); }
' "$NODE_BOOTSTRAP_MIN_VERSION"; then
  s3enc_die "Node.js >= $NODE_BOOTSTRAP_MIN_VERSION is required to bootstrap; $NODE is $("$NODE" -v). Install a newer Node.js (https://nodejs.org) and retry."
fi
NPM="$(command -v npm || true)"
[[ -n "$NPM" ]] || s3enc_die "npm (shipped with Node.js) is required to install pnpm, Node 22 and Node 26, but was not found on PATH."
s3enc_log "machine Node (bootstrap only): $NODE ($("$NODE" -v))"

mkdir -p "$S3ENC_TOOLS_DIR" "$S3ENC_SERVERS_DIR"
# Serialise concurrent bootstraps sharing one cache dir (several clones, parallel CI jobs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$S3ENC_CACHE_DIR/.bootstrap.lock"
  flock 9
fi

# ---------------------------------------------------------------------------------------------
# 2. pnpm, Node 22 and Node 26 from the npm registry
pkg_version() { # dir -> version in its package.json, or ''
  "$NODE" -e 'try { console.log(require(process.argv[1] + "/package.json").version) } catch { console.log("") }' "$1"
}
npm_install() { # prefix, package@version...
  local prefix="$1"
  shift
  # npm runs the `node` package's install script with the machine's Node, hence PATH order.
  "$NPM" install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error "$@" >&2
}
node_ok() { # binary, version
  [[ "$("$1" -v 2>/dev/null || true)" == "v$2" ]]
}
if [[ "$(pkg_version "$S3ENC_TOOLS_DIR/node_modules/pnpm")" == "$PNPM_VERSION" ]]; then
  s3enc_log "pnpm $PNPM_VERSION present in $S3ENC_TOOLS_DIR"
else
  s3enc_log "installing pnpm@$PNPM_VERSION into $S3ENC_TOOLS_DIR (npm registry)"
  npm_install "$S3ENC_TOOLS_DIR" "pnpm@$PNPM_VERSION"
  [[ "$(pkg_version "$S3ENC_TOOLS_DIR/node_modules/pnpm")" == "$PNPM_VERSION" ]] ||
    s3enc_die "installing pnpm in $S3ENC_TOOLS_DIR did not produce pnpm $PNPM_VERSION"
fi
# Each Node in its own prefix: two `node` packages cannot share one node_modules.
for line in "22 $NODE22_VERSION $S3ENC_NODE22" "26 $NODE26_VERSION $S3ENC_NODE26"; do
  read -r major version binary <<<"$line"
  if node_ok "$binary" "$version"; then
    s3enc_log "Node $version present: $binary"
  else
    s3enc_log "installing node@$version into $S3ENC_TOOLS_DIR/node$major (npm registry)"
    mkdir -p "$S3ENC_TOOLS_DIR/node$major"
    npm_install "$S3ENC_TOOLS_DIR/node$major" "node@$version"
    node_ok "$binary" "$version" ||
      s3enc_die "installing node@$version in $S3ENC_TOOLS_DIR/node$major did not produce $binary (v$version)"
  fi
done
# `pnpm` for package scripts (the root `build` script runs `pnpm -r`), pinned to Node 22.
mkdir -p "$S3ENC_SHIM_DIR"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$S3ENC_NODE22" "$S3ENC_PNPM" >"$S3ENC_SHIM_DIR/pnpm.tmp.$$"
chmod +x "$S3ENC_SHIM_DIR/pnpm.tmp.$$"
mv -f "$S3ENC_SHIM_DIR/pnpm.tmp.$$" "$S3ENC_SHIM_DIR/pnpm"

# ---------------------------------------------------------------------------------------------
# 3. Dependencies
s3enc_log "pnpm install --frozen-lockfile (Node 22)"
(cd "$S3ENC_ROOT" && CI=true s3enc_pnpm install --frozen-lockfile --reporter=append-only >&2)

# ---------------------------------------------------------------------------------------------
# 4. Test servers
need_go() { # what-for
  if ! command -v go >/dev/null 2>&1; then
    s3enc_die "Go is required to build $1 for the test environment but 'go' is not on PATH.
  Alternatives:
    - install Go (https://go.dev/dl/) and rerun;
    - point the tests at existing servers instead (no local servers are then started):
        S3ENC_TEST_S3_ENDPOINT (+ S3ENC_TEST_S3_REGION, S3ENC_TEST_S3_ACCESS_KEY_ID,
        S3ENC_TEST_S3_SECRET_ACCESS_KEY, S3ENC_TEST_CA_FILE) and S3ENC_TEST_KMS_ENDPOINT,
        S3ENC_TEST_KMS_KEY_ID, S3ENC_TEST_KMS_KEY_ID_2 — see docs/testing.md;
    - or supply prebuilt binaries with S3ENC_MINIO_BIN / S3ENC_LOCAL_KMS_BIN."
  fi
}

binary_ok() { [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

# MinIO: the module proxy refuses the release tag RELEASE.2025-10-15T17-29-55Z and its commit
# 9e49d5e7; it serves only the pseudo-version in versions.env (that release + small fixes).
build_minio() {
  local dest_dir tmp
  dest_dir="$(dirname "$S3ENC_MINIO_PATH")"
  need_go "MinIO ($MINIO_MODULE@$MINIO_VERSION)"
  s3enc_log "building MinIO $MINIO_VERSION with go install, static (a few minutes the first time)"
  tmp="$(mktemp -d "$S3ENC_SERVERS_DIR/.minio-build.XXXXXX")"
  CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-buildvcs=false go install -trimpath "$MINIO_MODULE@$MINIO_VERSION" >&2 ||
    { rm -rf "$tmp"; s3enc_die "go install $MINIO_MODULE@$MINIO_VERSION failed"; }
  mkdir -p "$dest_dir"
  mv -f "$tmp/minio" "$S3ENC_MINIO_PATH"
  rm -rf "$tmp"
}

# local-kms: the pinned module source with one line changed so that it binds 127.0.0.1 instead
# of every interface (upstream listens on ":$PORT"; the test servers must stay on loopback).
build_local_kms() {
  local dest_dir tmp src
  dest_dir="$(dirname "$S3ENC_LOCAL_KMS_PATH")"
  need_go "local-kms ($LOCAL_KMS_MODULE@$LOCAL_KMS_VERSION)"
  s3enc_log "building local-kms $LOCAL_KMS_VERSION, static (pinned module, loopback-by-default listen patch)"
  tmp="$(mktemp -d "$S3ENC_SERVERS_DIR/.local-kms-build.XXXXXX")"
  src="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$LOCAL_KMS_MODULE@$LOCAL_KMS_VERSION" |
    "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})')" ||
    { rm -rf "$tmp"; s3enc_die "go mod download $LOCAL_KMS_MODULE@$LOCAL_KMS_VERSION failed"; }
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  # Loopback by default; S3ENC_KMS_LISTEN_HOST=0.0.0.0 only inside a container, whose port is
  # then published on the host's 127.0.0.1 (packages/testing/src/container-runtime.ts).
  sed -i.orig -e 's|addr := ":"+port|addr := func() string { if h := os.Getenv("S3ENC_KMS_LISTEN_HOST"); h != "" { return h }; return "127.0.0.1" }()+":"+port|' \
    -e 's|^\t"net"$|\t"net"\n\t"os"|' "$tmp/src/src/server.go"
  grep -q 'return "127.0.0.1" }()+":"+port' "$tmp/src/src/server.go" ||
    { rm -rf "$tmp"; s3enc_die "could not apply the loopback patch to local-kms src/server.go"; }
  (cd "$tmp/src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$tmp/local-kms" .) >&2 ||
    { rm -rf "$tmp"; s3enc_die "building local-kms failed"; }
  mkdir -p "$dest_dir"
  mv -f "$tmp/local-kms" "$S3ENC_LOCAL_KMS_PATH"
  rm -rf "$tmp"
}

if [[ -n "${S3ENC_TEST_S3_ENDPOINT:-}" ]]; then
  s3enc_log "S3ENC_TEST_S3_ENDPOINT set: MinIO not needed"
elif [[ -n "${S3ENC_MINIO_BIN:-}" ]]; then
  binary_ok "$S3ENC_MINIO_BIN" || s3enc_die "S3ENC_MINIO_BIN=$S3ENC_MINIO_BIN is not a working minio binary"
  s3enc_log "MinIO: $S3ENC_MINIO_BIN (S3ENC_MINIO_BIN)"
elif binary_ok "$S3ENC_MINIO_PATH"; then
  s3enc_log "MinIO $MINIO_VERSION present"
else
  build_minio
  binary_ok "$S3ENC_MINIO_PATH" || s3enc_die "built MinIO at $S3ENC_MINIO_PATH does not run"
fi

# local-kms has no --version flag; check that the file is there and executable.
if [[ -n "${S3ENC_TEST_KMS_ENDPOINT:-}${S3ENC_TEST_KMS_KEY_ID:-}" ]]; then
  s3enc_log "external KMS configured: local-kms not needed"
elif [[ -n "${S3ENC_LOCAL_KMS_BIN:-}" ]]; then
  [[ -x "$S3ENC_LOCAL_KMS_BIN" ]] || s3enc_die "S3ENC_LOCAL_KMS_BIN=$S3ENC_LOCAL_KMS_BIN is not executable"
  s3enc_log "local-kms: $S3ENC_LOCAL_KMS_BIN (S3ENC_LOCAL_KMS_BIN)"
elif [[ -x "$S3ENC_LOCAL_KMS_PATH" ]]; then
  s3enc_log "local-kms $LOCAL_KMS_VERSION present"
else
  build_local_kms
fi

# The replication tests' admin tool (SetRemoteTarget through madmin-go, the module version the
# pinned MinIO server itself requires): a static build keyed on a hash of its sources.
build_remote_target() {
  local dest tmp
  dest="$1"
  need_go "the MinIO admin tool (test/tools/minio-remote-target)"
  s3enc_log "building test/tools/minio-remote-target (madmin-go), static"
  tmp="$(mktemp -d "$S3ENC_SERVERS_DIR/.remote-target-build.XXXXXX")"
  (cd "$S3ENC_REMOTE_TARGET_SRC" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" \
    go build -trimpath -o "$tmp/minio-remote-target" .) >&2 ||
    { rm -rf "$tmp"; s3enc_die "building test/tools/minio-remote-target failed"; }
  mkdir -p "$(dirname "$dest")"
  mv -f "$tmp/minio-remote-target" "$dest"
  rm -rf "$tmp"
}
if [[ -n "${S3ENC_TEST_S3_ENDPOINT:-}" ]] && ! command -v go >/dev/null 2>&1; then
  s3enc_log "S3ENC_TEST_S3_ENDPOINT set and no Go: minio-remote-target not built (the replication tests need local MinIO servers)"
elif [[ -n "${S3ENC_MINIO_REMOTE_TARGET_BIN:-}" ]]; then
  [[ -x "$S3ENC_MINIO_REMOTE_TARGET_BIN" ]] ||
    s3enc_die "S3ENC_MINIO_REMOTE_TARGET_BIN=$S3ENC_MINIO_REMOTE_TARGET_BIN is not executable"
  s3enc_log "minio-remote-target: $S3ENC_MINIO_REMOTE_TARGET_BIN (S3ENC_MINIO_REMOTE_TARGET_BIN)"
else
  remote_target="$(s3enc_remote_target_path)"
  if [[ -x "$remote_target" ]]; then
    s3enc_log "minio-remote-target present"
  else
    build_remote_target "$remote_target"
  fi
fi

if [[ -z "${S3ENC_TEST_S3_ENDPOINT:-}" || -z "${S3ENC_TEST_KMS_ENDPOINT:-}${S3ENC_TEST_KMS_KEY_ID:-}" ]]; then
  command -v openssl >/dev/null 2>&1 ||
    s3enc_die "openssl is required (the test environment makes a fresh CA per run) but was not found on PATH"
fi

s3enc_log "ready"
