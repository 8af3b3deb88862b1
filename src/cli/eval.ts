// `losslab eval [--check] FILE.json`: evaluate golden-format cases on the engine worker. Results stream out
// case by case; a bad case gives one error entry (or one failure) and never costs the others.
import * as path from 'node:path';
import { EngineClient } from '../engine/client';
import { caseId, evaluateCase } from '../golden/evaluateCases';
import { isCaseError, mismatch, type CaseResult, type GoldenCase } from '../golden/format';
import { JsonStream } from './jsonStream';
import { parseJsonText, readTextFile } from './textFile';

function readCases(file: string): unknown[] {
  const parsed = parseJsonText(readTextFile(file), file) as { format?: unknown; cases?: unknown } | null;
  if (!parsed || typeof parsed !== 'object' || parsed.format !== 'losslab-golden/1' || !Array.isArray(parsed.cases)) {
    throw new Error(`${file}: expected {"format": "losslab-golden/1", "cases": [...]}, got format ${JSON.stringify(parsed?.format) ?? 'nothing'}`);
  }
  return parsed.cases;
}

export async function evalCommand(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    process.stderr.write('usage: losslab eval [--check] FILE.json\n');
    return 2;
  }
  const cases = readCases(files[0]);
  const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js') });
  try {
    const results = (async function* () {
      for (const [i, c] of cases.entries()) yield [c, await evaluateCase(engine, c, i)] as const;
    })();
    return check ? await report(results) : await stream(results);
  } finally {
    engine.dispose();
  }
}

type Results = AsyncIterable<readonly [unknown, CaseResult]>;

async function stream(results: Results): Promise<number> {
  const out = new JsonStream(process.stdout);
  await out.write('{"format": "losslab-results/1", "results": [\n');
  let first = true;
  for await (const [, r] of results) {
    if (!first) await out.write(',\n');
    await out.value(r);
    first = false;
  }
  await out.write('\n]}\n');
  return 0;
}

/** Per op: cases that matched `expected`, that did not (or failed to run), and that have no `expected` to check. */
async function report(results: Results): Promise<number> {
  const byOp = new Map<string, { passed: number; failed: number; unchecked: number }>();
  const failures: string[] = [];
  let index = 0;
  for await (const [c, r] of results) {
    const id = caseId(c, index++);
    const op = c && typeof c === 'object' && typeof (c as GoldenCase).op === 'string' ? (c as GoldenCase).op : '(no op)';
    const row = byOp.get(op) ?? { passed: 0, failed: 0, unchecked: 0 };
    byOp.set(op, row);
    const golden = c as GoldenCase;
    const problem = isCaseError(r) ? r.error : golden.expected === undefined ? undefined : mismatch(r, { ...golden, id });
    if (problem) {
      row.failed++;
      failures.push(`  ${id}: ${problem}`);
    } else if (golden.expected !== undefined) {
      row.passed++;
    } else {
      row.unchecked++;
    }
  }
  const width = Math.max(...[...byOp.keys()].map((k) => k.length), 2);
  const lines = [`${'op'.padEnd(width)}  passed  failed  no reference`];
  for (const [op, row] of byOp) lines.push(`${op.padEnd(width)}  ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ${String(row.unchecked).padStart(12)}`);
  if (failures.length) lines.push('', 'failures:', ...failures);
  const total = (key: 'passed' | 'failed' | 'unchecked') => [...byOp.values()].reduce((n, row) => n + row[key], 0);
  lines.push('', `${total('passed')} passed, ${total('failed')} failed, ${total('unchecked')} with no reference (no "expected")`);
  process.stdout.write(lines.join('\n') + '\n');
  return failures.length ? 1 : 0;
}
