#!/usr/bin/env bash
# `npm test`: every check, in the order that fails fastest. Needs nothing installed by hand:
# system packages, the Prisma client and the production build are all prepared here.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .data/reports

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "FAILED: $*" >&2; node scripts/test-summary.mjs || true; exit 1; }
rm -f .data/reports/*.json

step "system packages" && { bash scripts/ensure-system-deps.sh || fail "system packages"; }
# The real Kubernetes API server compiles for minutes on a fresh machine (seconds when cached). It
# starts now, beside the mostly single-threaded setup, typecheck, lint and format steps, and
# Vitest waits for it.
mkdir -p .data/test
KUBE_BUILD_LOG=.data/test/kube-apiserver-build.log
bash tools/kube-apiserver/build.sh >"$KUBE_BUILD_LOG" 2>&1 &
KUBE_BUILD_PID=$!
trap 'kill "$KUBE_BUILD_PID" 2>/dev/null || true' EXIT
step "prisma client"   && { npm run setup --silent || fail "setup"; }
step "typecheck"       && { npm run typecheck --silent || fail "typecheck"; }
step "lint"            && { npm run lint --silent || fail "lint"; }
step "format"          && { npm run format:check --silent || fail "format (run npm run format)"; }
step "private clone (embedded PostgreSQL from a 0700 folder)" && { npx tsx scripts/check-private-clone.ts || fail "private clone"; }
step "real Kubernetes API server (built from Debian's Go sources, started after system packages)"
wait "$KUBE_BUILD_PID"; KUBE_BUILD_RC=$?
cat "$KUBE_BUILD_LOG"
[ "$KUBE_BUILD_RC" -eq 0 ] || fail "kube-apiserver build (its last line above says what failed)"
step "unit and integration tests (Vitest, real PostgreSQL)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.data/reports/vitest.json || fail "vitest"
step "production build" && { npx next build || fail "next build"; }
step "browser tests (Playwright, Debian Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.data/reports/playwright.json npx playwright test --reporter=list,json || fail "playwright"
node scripts/test-summary.mjs
