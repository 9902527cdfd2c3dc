// Security scan: `node scripts/electronegativity.mjs [DIR]` runs @doyensec/electronegativity
// over DIR (default src/) and fails on any HIGH finding, or
// on any file it could not parse (a file it cannot read is a file it did not check).
//
// Runs fully offline: electronegativity fetches updated translations from the network at
// start-up through `got`; that one module is replaced by a stub that refuses, so the scan uses
// its bundled English strings and opens no connection. Its CLI is not used because it breaks
// on the newer `commander` hoisted into node_modules; the programmatic runner is the same code.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js');
const fromRunner = createRequire(runnerPath);
const gotPath = fromRunner.resolve('got');
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: () => Promise.reject(new Error('network disabled during the security scan')),
};
const run = require(runnerPath);

const input = process.argv[2] ?? 'src';
const electronVersion = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
mkdirSync('test-results', { recursive: true });

const originalLog = console.log;
console.log = () => undefined; // the runner prints a table and progress bars; we print our own summary
let result;
try {
  result = await run({
    input,
    output: 'test-results/electronegativity.csv',
    isRelative: true,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
} finally {
  console.log = originalLog;
}

const issues = result.issues ?? [];
const errors = (result.errors ?? []).filter((error) => !error.tolerable);
const bySeverity = {};
for (const issue of issues) bySeverity[issue.severity.name] = (bySeverity[issue.severity.name] ?? 0) + 1;
const high = issues.filter((issue) => issue.severity.name === 'HIGH');

console.log(`electronegativity (Electron ${electronVersion}): ${issues.length} finding(s) ${JSON.stringify(bySeverity)}`);
for (const issue of issues) {
  console.log(`  ${issue.severity.name.padEnd(13)} ${issue.id} ${issue.file}:${issue.location?.line ?? '?'} ${issue.description ?? ''}`);
}
for (const error of errors) console.log(`  PARSE ERROR  ${error.file}: ${error.message}`);
if (high.length > 0 || errors.length > 0) {
  console.log(`electronegativity: FAILED (${high.length} HIGH finding(s), ${errors.length} unparsed file(s))`);
  process.exit(1);
}
console.log('electronegativity: no HIGH findings');
