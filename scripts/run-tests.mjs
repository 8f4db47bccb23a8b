#!/usr/bin/env node
// Runs every package's tests in one vitest run and ends with the totals line CI reads:
// `N passed, M failed`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reportDir = mkdtempSync(join(tmpdir(), 'berth-test-report-'));
const reportFile = join(reportDir, 'report.json');
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
];
const child = spawn('pnpm', ['exec', ...args], { stdio: 'inherit' });
const code = await new Promise((resolve) =>
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that fails to load fails no test but must still count.
  if (failed === 0) failed = report.numFailedTestSuites ?? 0;
  if ((report.numTotalTests ?? 0) === 0) failed += 1;
} catch {
  // No report means the run itself broke.
  failed += 1;
}
rmSync(reportDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
