// A tiny test runner for the extension host (no mocha): named async tests, run one after another,
// each with a timeout; prints a line per test and a closing "N passed, N failed" line; rejects when
// any test failed, which makes the harness exit 1.
import * as fs from 'node:fs';

export interface HostTest {
  name: string;
  run(): Promise<void> | void;
  /** Default 30 s. A test that takes longer fails (so one hang does not eat the whole run's budget). */
  timeoutMs?: number;
}

export interface HostSuite {
  name: string;
  tests: HostTest[];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function runSuites(suites: HostSuite[]): Promise<void> {
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  const t0 = Date.now();
  for (const suite of suites) {
    console.log(`${suite.name}`);
    for (const test of suite.tests) {
      const t = Date.now();
      try {
        await withTimeout(
          Promise.resolve().then(() => test.run()),
          test.timeoutMs ?? 30_000,
        );
        passed++;
        console.log(`  ok ${test.name} (${Date.now() - t} ms)`);
      } catch (e) {
        failed++;
        const err = e instanceof Error ? (e.stack ?? e.message) : String(e);
        failures.push(`${suite.name} > ${test.name}`);
        console.error(
          `  FAILED ${test.name} (${Date.now() - t} ms)\n${err
            .split('\n')
            .map((l) => `      ${l}`)
            .join('\n')}`,
        );
      }
    }
  }
  console.log(`in-host: ${passed} passed, ${failed} failed (${Date.now() - t0} ms)`);
  const resultFile = process.env.VSCODE_HARNESS_RESULT_FILE;
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ passed, failed, failures }));
  if (failed) throw new Error(`${failed} of ${passed + failed} in-host tests failed: ${failures.join('; ')}`);
  if (!passed) throw new Error('no in-host tests ran');
}
