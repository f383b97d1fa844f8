#!/usr/bin/env bash
# Checks bot/Dockerfile's runtime stage without Docker: in a temporary folder, the files its COPY
# lines bring, its own `npm ci --omit=dev …` line (read from the Dockerfile; needs the npm
# registry), the compiled dist folders of this checkout (`npx tsc -b` first); then no dev
# dependency may be installed, an analysis must run in its confined child process, and the server
# must start (against a loopback stand-in for GET /app) and answer on its webhook path.
#
#   npx tsc -b && bash bot/scripts/check-runtime-image.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$dir"' EXIT

cd "$repo"
cp package.json package-lock.json "$dir/"
for workspace in $(node -p "require('./package.json').workspaces.join(' ')"); do
  mkdir -p "$dir/$workspace" && cp "$workspace/package.json" "$dir/$workspace/"
done
install=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' bot/Dockerfile | grep -o 'npm ci --omit=dev[^&]*' | sed 's/ *$//')
echo "runtime install: $install"
(cd "$dir" && NODE_ENV=production $install)
for folder in packages/core rules bot; do cp -r "$folder/dist" "$dir/$folder/dist"; done

cd "$dir"
# The lockfile marks packages only dev dependencies need ("dev": true): none may be installed.
node -e "
  const { existsSync } = require('fs');
  const dev = Object.entries(require('./package-lock.json').packages).filter(([at, p]) => at.includes('node_modules/') && p.dev && existsSync(at));
  if (dev.length) { console.error('FAIL: dev-only packages installed:', dev.map(([at]) => at).join(' ')); process.exit(1); }
"
echo "node_modules: $(du -sh node_modules | cut -f1), $(node -p "Object.keys(require('./package-lock.json').packages).filter((at) => at.includes('node_modules/') && require('fs').existsSync(at)).length") packages"

# An analysis in the confined child process, from the runtime file set.
mkdir -p snapshot/src
printf "async function save(ok: boolean): Promise<void> {\n  if (!ok) throw new Error('not saved');\n}\nexport function handler(): void {\n  save(false);\n}\n" > snapshot/src/server.ts
node --input-type=module -e "
  const { analyzeSnapshot } = await import('$dir/bot/dist/index.js');
  const result = await analyzeSnapshot({ root: '$dir/snapshot', withRules: true }, { timeoutMs: 120000, maxMemoryMb: 1024 }, new AbortController().signal);
  const rules = result.findings.map((finding) => finding.ruleId);
  console.log('analysis findings:', rules.join(', ') || 'none');
  if (!rules.some((rule) => rule.endsWith('no-floating-promises'))) process.exit(1);
"

# The server, as the image's CMD starts it.
port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
api=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
node -e "require('http').createServer((q,r)=>{const app=q.method==='GET'&&q.url==='/app';r.writeHead(app?200:404,{'content-type':'application/json'});r.end(app?'{\"id\":1,\"slug\":\"premortem-check\"}':'{}')}).listen($api,'127.0.0.1')" &
pids+=($!)
openssl genrsa -out key.pem 2048 2>/dev/null
APP_ID=1 WEBHOOK_SECRET=x PRIVATE_KEY_PATH=key.pem GITHUB_API_URL=http://127.0.0.1:$api PORT=$port HOST=127.0.0.1 \
  PREMORTEM_WORK_DIR="$dir/work" NODE_ENV=production node bot/dist/server.js > server.log 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q 'listening' server.log && break; sleep 0.2; done
get=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/github/webhooks")
body='{"zen":"check"}'
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac x | sed 's/^.* //')
ping=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'x-github-event: ping' -H 'x-github-delivery: check-1' \
  -H "x-hub-signature-256: sha256=$signature" -H 'content-type: application/json' --data "$body" "http://127.0.0.1:$port/api/github/webhooks")
cat server.log
echo "GET webhook path: $get (405 expected); signed ping: $ping (200 expected)"
[ "$get" = 405 ] && [ "$ping" = 200 ] && echo "OK: the runtime stage's files run without dev dependencies"
