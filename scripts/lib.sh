# Shared paths for scripts/*.sh (sourced, not executed).
# shellcheck shell=bash

S3ENC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$S3ENC_ROOT/scripts/versions.env"

S3ENC_CACHE_DIR="${S3ENC_CACHE_DIR:-$HOME/.cache/s3enc}"
S3ENC_TOOLS_DIR="$S3ENC_CACHE_DIR/tools"
S3ENC_SERVERS_DIR="$S3ENC_CACHE_DIR/servers"
# pnpm, Node 22 and Node 26 from the npm registry, each Node in its own npm prefix. NOTE: the
# `node_modules/.bin` of those prefixes holds a `node` — never put it on PATH; call these by
# full path.
S3ENC_PNPM="$S3ENC_TOOLS_DIR/node_modules/pnpm/bin/pnpm.cjs"
S3ENC_NODE22="$S3ENC_TOOLS_DIR/node22/node_modules/node/bin/node"
S3ENC_NODE26="$S3ENC_TOOLS_DIR/node26/node_modules/node/bin/node"
# Holds only `pnpm` (a shim running pnpm with Node 22), written by bootstrap.sh; safe to put
# first on PATH so that package scripts calling `pnpm` find it.
S3ENC_SHIM_DIR="$S3ENC_TOOLS_DIR/shims"
S3ENC_MINIO_PATH="$S3ENC_SERVERS_DIR/minio-$MINIO_VERSION-$SERVERS_BUILD/minio"
S3ENC_LOCAL_KMS_PATH="$S3ENC_SERVERS_DIR/local-kms-$LOCAL_KMS_VERSION-$SERVERS_BUILD/local-kms"
# test/tools/minio-remote-target (MinIO admin API: bucket replication targets), cached under a
# hash of its sources (go.mod, go.sum, main.go), as test/harness/minio-replication.ts finds it.
S3ENC_REMOTE_TARGET_SRC="$S3ENC_ROOT/test/tools/minio-remote-target"
s3enc_remote_target_path() {
  local hash
  hash="$(cat "$S3ENC_REMOTE_TARGET_SRC/go.mod" "$S3ENC_REMOTE_TARGET_SRC/go.sum" \
    "$S3ENC_REMOTE_TARGET_SRC/main.go" | sha256sum | cut -c1-16)"
  printf '%s\n' "$S3ENC_SERVERS_DIR/minio-remote-target-$hash-$SERVERS_BUILD/minio-remote-target"
}
export S3ENC_CACHE_DIR S3ENC_NODE22 S3ENC_NODE26

s3enc_log() { printf '[%s] %s\n' "${S3ENC_LOG_TAG:-s3enc}" "$*" >&2; }
s3enc_die() {
  printf '[%s] ERROR: %s\n' "${S3ENC_LOG_TAG:-s3enc}" "$*" >&2
  exit 1
}

# The machine's Node (it only runs bootstrap's npm), never a Node from the tools dir.
s3enc_system_node() {
  local n tools
  if [[ -n "${S3ENC_NODE:-}" ]]; then
    printf '%s\n' "$S3ENC_NODE"
    return
  fi
  # The first `node` on PATH outside the tools dir (a shell may have Node 22 from there first).
  tools="$(readlink -m "$S3ENC_TOOLS_DIR")"
  while read -r n; do
    [[ -n "$n" && "$(readlink -m "$n")" != "$tools"/* ]] && { printf '%s\n' "$n"; return; }
  done < <(type -ap node)
  printf '\n'
}

# Runs pnpm with Node 22 (dependencies such as undici 8 and eslint 10 need Node >= 22).
s3enc_pnpm() {
  "$S3ENC_NODE22" "$S3ENC_PNPM" "$@"
}

# After bootstrap: `node` on PATH becomes Node 22 (package scripts and their bins run `node` from
# PATH) and `pnpm` the shim bound to it. Node 22's bin dir holds only `node`.
s3enc_path_node22() {
  export PATH="$(dirname "$S3ENC_NODE22"):$S3ENC_SHIM_DIR:$PATH"
}

# Packs the publishable packages into DEST with `pnpm pack` (needs a prior build); prints the
# tarball paths, one a line, in dependency order (core, node, cli).
s3enc_pack_all() {
  local dest="$1" p tgz
  mkdir -p "$dest"
  for p in core node cli; do
    [[ -f "$S3ENC_ROOT/packages/$p/dist/index.js" && -f "$S3ENC_ROOT/packages/$p/LICENSE" ]] ||
      s3enc_die "packages/$p is not built; run pnpm build first"
    tgz="$(cd "$S3ENC_ROOT/packages/$p" && s3enc_pnpm pack --pack-destination "$dest" | tail -1)"
    [[ -f "$tgz" ]] || s3enc_die "pnpm pack in packages/$p did not report a tarball (got: $tgz)"
    printf '%s\n' "$tgz"
  done
}
