#!/usr/bin/env bash
# The project's whole test suite (README: `npm test`; CI: .ci/run). Builds, then runs the contract
# tests, checks the gas snapshot, runs the TypeScript unit and end-to-end tests, and ends with one
# `N passed, N failed` line summing both runners. Foundry runs through scripts/foundry.mjs: the npm
# wrappers exit 0 whatever forge returned.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

echo "== build (forge build, typechain, tsc)"
node scripts/build.mjs || exit 1

echo "== contracts: forge test (profile ${FOUNDRY_PROFILE:-default})"
FORGE_SNAPSHOT_CHECK=true node scripts/foundry.mjs forge test 2>&1 | tee "$logs/forge.txt" || status=1

echo "== gas snapshot check"
npm run --silent gas:check || { echo "gas snapshot differs: run 'npm run gas' and commit .gas-snapshot"; status=1; }

echo "== typescript: vitest"
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
