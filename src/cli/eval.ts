// `losslab eval [--check] FILE.json`: evaluate golden-format cases on the engine worker.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../engine/client';
import { evaluateCase } from '../golden/evaluateCases';
import { isCaseError, mismatch, parseGoldenFile, type CaseResult, type GoldenCase } from '../golden/format';

export async function evalCommand(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    process.stderr.write('usage: losslab eval [--check] FILE.json\n');
    return 2;
  }
  const file = parseGoldenFile(readFileSync(files[0], 'utf8'));
  const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js') });
  try {
    const results: CaseResult[] = [];
    for (const c of file.cases) results.push(await evaluateCase(engine, c));
    if (!check) {
      process.stdout.write(JSON.stringify({ format: 'losslab-results/1', results }) + '\n');
      return 0;
    }
    return report(file.cases, results);
  } finally {
    engine.dispose();
  }
}

function report(cases: GoldenCase[], results: CaseResult[]): number {
  const byOp = new Map<string, { passed: number; failed: number }>();
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const row = byOp.get(c.op) ?? { passed: 0, failed: 0 };
    byOp.set(c.op, row);
    const r = results[i];
    const problem = c.expected ? mismatch(r, c) : isCaseError(r) ? r.error : undefined;
    if (problem) {
      row.failed++;
      failures.push(`  ${c.id}: ${problem}`);
    } else {
      row.passed++;
    }
  });
  const width = Math.max(...[...byOp.keys()].map((k) => k.length), 2);
  const lines = [`${'op'.padEnd(width)}  passed  failed`];
  for (const [op, row] of byOp) lines.push(`${op.padEnd(width)}  ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}`);
  if (failures.length) lines.push('', 'failures:', ...failures);
  const passed = cases.length - failures.length;
  lines.push('', `${passed} passed, ${failures.length} failed`);
  process.stdout.write(lines.join('\n') + '\n');
  return failures.length ? 1 : 0;
}
