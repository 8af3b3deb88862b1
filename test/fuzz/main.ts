// `npm run fuzz`: mutates eval cases, notebooks, logs and panel messages with a seeded random source, judges
// every outcome, prints the findings and closes with the counts. Exit code 1 on any crash, hang, lost good
// result or silent wrong answer. `--seed N`, `--scale F` (1 = the full run, a few minutes).
import * as path from 'node:path';
import { fuzzEval, type FuzzContext } from './evalCases';
import { fuzzLogs } from './logs';
import { fuzzNotebooks } from './notebooks';
import { Tally } from './outcome';
import { fuzzPanel } from './panel';
import { Random } from './random';

export interface FuzzOptions {
  seed: number;
  /** 1: about 1,300 eval cases, 45 notebooks, 105 logs, 600 panel messages. */
  scale: number;
  /** Only these targets (panel, plot, run, eval); default all. */
  only?: string[];
  /** Prints per-target lines as it goes. */
  log?: (line: string) => void;
}

const ROOT = path.resolve(__dirname, '../..');

export async function runFuzz(options: FuzzOptions): Promise<Tally> {
  const log = options.log ?? (() => undefined);
  const total = new Tally();
  const targets: [string, number, (ctx: FuzzContext) => void | Promise<void>][] = [
    ['panel', 600, (ctx) => fuzzPanel(ctx)],
    ['plot', 105, (ctx) => fuzzLogs(ctx)],
    ['run', 45, (ctx) => fuzzNotebooks(ctx)],
    ['eval', 1300, (ctx) => fuzzEval(ctx, path.join(ROOT, 'test/golden/public.json'))],
  ];
  for (const [name, full, fuzz] of targets) {
    if (options.only?.length && !options.only.includes(name)) continue;
    const tally = new Tally();
    const started = Date.now();
    await fuzz({ cli: path.join(ROOT, 'dist/cli.js'), random: new Random(options.seed), count: Math.max(1, Math.round(full * options.scale)), tally, timeoutMs: 60_000 });
    log(`${name.padEnd(5)} ${tally.summary()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    total.merge(tally);
  }
  return total;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const seed = arg('--seed', 20260601);
  const scale = arg('--scale', 1);
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1].split(',') : undefined;
  const tally = await runFuzz({ seed, scale, only, log: (line) => console.log(line) });
  const shown = new Set<string>();
  for (const f of tally.bad) {
    const key = `${f.target} ${f.outcome} ${f.name.replace(/ \(.*\)$/, '')}`;
    if (shown.has(key)) continue;
    shown.add(key);
    console.log(`  ${f.outcome.toUpperCase()} [${f.target}] ${f.name}: ${f.detail.slice(0, 240)}`);
  }
  console.log(`fuzz (seed ${seed}, scale ${scale}): ${tally.summary()}`);
  process.exitCode = tally.bad.length ? 1 : 0;
}

if (require.main === module) void main();
