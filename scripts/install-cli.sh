#!/usr/bin/env bash
# Puts `s3enc` on PATH from a clone, the way the registry will install it: bootstrap, build,
# `pnpm pack` the three packages, `npm install` the tarballs into PREFIX/lib/s3enc (a private
# prefix: nothing global is touched), and write PREFIX/bin/s3enc, a two-line launcher that runs
# the installed CLI on a supported Node — the `node` on PATH when it is >= 22.19, else the
# Node 22 that bootstrap installed in the cache dir.
# Usage: scripts/install-cli.sh [PREFIX]   (default ~/.local; PREFIX/bin should be on PATH)
set -euo pipefail
S3ENC_LOG_TAG=install-cli
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prefix="${1:-$HOME/.local}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
machine_node="$(s3enc_system_node)"

"$S3ENC_ROOT/scripts/bootstrap.sh"
s3enc_path_node22
s3enc_log "building"
(cd "$S3ENC_ROOT" && s3enc_pnpm build >/dev/null)

work="$(mktemp -d "${TMPDIR:-/tmp}/s3enc-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mapfile -t tarballs < <(s3enc_pack_all "$work")
((${#tarballs[@]} == 3)) || s3enc_die "packing failed"

lib="$prefix/lib/s3enc"
mkdir -p "$lib" "$prefix/bin"
[[ -f "$lib/package.json" ]] || printf '{ "private": true }\n' >"$lib/package.json"
s3enc_log "npm install ${tarballs[*]##*/} into $lib"
(cd "$lib" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "${tarballs[@]}" >&2)

run_node="$S3ENC_NODE22"
if [[ -n "$machine_node" ]] && "$machine_node" -e '
  const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1);'; then
  run_node="$machine_node"
fi
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$run_node" "$lib/node_modules/s3enc/bin/s3enc.js" >"$prefix/bin/s3enc.tmp.$$"
chmod +x "$prefix/bin/s3enc.tmp.$$"
mv -f "$prefix/bin/s3enc.tmp.$$" "$prefix/bin/s3enc"

s3enc_log "installed: $prefix/bin/s3enc ($("$prefix/bin/s3enc" --version), runs on $("$run_node" -v))"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) s3enc_log "add it to PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
