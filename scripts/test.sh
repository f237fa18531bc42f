#!/usr/bin/env bash
# The project's whole test suite (README: `npm test`; CI: .ci/run). Builds, then runs the contract
# tests, checks the gas snapshot, runs the TypeScript unit and end-to-end tests, and ends with one
# `N passed, N failed` line summing both runners (the chaos round's own vitest summary is printed
# apart when it runs here). Foundry runs through scripts/foundry.mjs: the npm
# wrappers exit 0 whatever forge returned.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

echo "== build (forge build, typechain, tsc, bundle) $(date -u +%T)"
node scripts/build.mjs || exit 1

# FLOCK_CHAOS_BESIDE_FORGE=1 (.ci/run): the chaos round runs beside the contract tests, which use
# no devnet and no store, instead of after everything: most of its four minutes are outages it
# waits out, and the whole run is about that much shorter. It is waited for before vitest starts,
# so it never runs beside the end-to-end tests (test/chaos/vitest.config.ts).
chaos_pid=
if [ -n "${FLOCK_CHAOS_BESIDE_FORGE:-}" ]; then
  echo "== chaos round, beside forge (log printed when it ends) $(date -u +%T)"
  npm run --silent chaos > "$logs/chaos.txt" 2>&1 &
  chaos_pid=$!
fi

echo "== contracts: forge test (profile ${FOUNDRY_PROFILE:-default}) $(date -u +%T)"
FORGE_SNAPSHOT_CHECK=true node scripts/foundry.mjs forge test 2>&1 | tee "$logs/forge.txt" || status=1

echo "== gas snapshot check $(date -u +%T)"
npm run --silent gas:check || { echo "gas snapshot differs: run 'npm run gas' and commit .gas-snapshot"; status=1; }

if [ -n "$chaos_pid" ]; then
  chaos_status=0
  wait "$chaos_pid" || chaos_status=1
  echo "== chaos round (exit $chaos_status) $(date -u +%T)"
  cat "$logs/chaos.txt"
  [ "$chaos_status" = 0 ] || status=1
fi

echo "== typescript: vitest $(date -u +%T)"
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$logs/vitest.json" || status=1

node - "$logs" <<'JS'
const fs = require('node:fs');
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const forge = fs.existsSync(`${dir}/forge.txt`) ? fs.readFileSync(`${dir}/forge.txt`, 'utf8') : '';
const m = forge.match(/(\d+) tests passed, (\d+) failed, (\d+) skipped/);
if (m) { passed += +m[1]; failed += +m[2]; skipped += +m[3]; }
else failed += 1; // forge did not get to its summary (compile error): count it as a failure
try {
  const v = JSON.parse(fs.readFileSync(`${dir}/vitest.json`, 'utf8'));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + v.numTodoTests;
  if (v.numFailedTestSuites > 0 && v.numFailedTests === 0) failed += v.numFailedTestSuites;
} catch { failed += 1; }
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
JS
exit $status
