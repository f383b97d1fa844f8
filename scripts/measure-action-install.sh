#!/usr/bin/env bash
# How long the GitHub Action's install takes, and how much it puts on disk, each with an empty npm
# cache (as on a fresh runner). Needs the npm registry; not part of the tests.
#
#   bash scripts/measure-action-install.sh [<commit whose action installed the whole monorepo>]
#
# Before: that commit's action ran `npm ci` in the action's folder (every workspace, every dev
# dependency, and the `prepare` build). After: `check` mode installs the CLI package alone (here
# from this checkout's packed tarballs); `review` mode installs the bot, core and rules workspaces
# and builds the bot.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
before="${1:-992e1df}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
seconds() { echo "$(( $(date +%s%N) - $1 ))" | awk '{ printf "%.1f", $1 / 1e9 }'; }

git clone -q "$repo" "$work/before" && git -C "$work/before" checkout -q "$before"
start=$(date +%s%N)
(cd "$work/before" && npm_config_cache="$work/cache-before" npm ci --no-audit --no-fund --loglevel=error > /dev/null)
echo "before ($before), npm ci and build: $(seconds "$start") s, node_modules $(du -sh "$work/before/node_modules" | cut -f1)"

mkdir -p "$work/tarballs" "$work/prefix"
(cd "$repo" && npm pack --pack-destination "$work/tarballs" --workspace packages/core --workspace rules --workspace packages/cli > /dev/null 2>&1)
echo '{ "private": true }' > "$work/prefix/package.json"
start=$(date +%s%N)
(cd "$work" && npm_config_cache="$work/cache-check" npm install --prefix "$work/prefix" --ignore-scripts --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz > /dev/null)
echo "after, check mode, the CLI alone: $(seconds "$start") s, $(du -sh "$work/prefix" | cut -f1)"

git clone -q "$repo" "$work/review"
start=$(date +%s%N)
(cd "$work/review" && npm_config_cache="$work/cache-review" npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --workspace bot --workspace packages/core --workspace rules > /dev/null && npx tsc -b bot)
echo "after, review mode, three workspaces and the bot's build: $(seconds "$start") s, node_modules $(du -sh "$work/review/node_modules" | cut -f1)"
