// `npm run bench`: speed of the engine against baselines measured in the same run. Prints ratios, not
// verdicts; `--json` prints one {"name", "engine_ms", "baseline", "baseline_ms", "ratio"} object per line
// (a memory row has "engine_mb" and "baseline_mb" instead).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineClient } from '../engine/client';
import { crossEntropyJs, memcpy, torchCrossEntropy } from './baselines';
import { benchBands } from './bands';
import { benchInspect } from './inspect';
import { benchLint } from './lint';
import { benchLogFolder } from './logFolder';
import { benchLogParse } from './logParse';
import { measureRss } from './rss';
import { benchTraining } from './training';
import { benchTensors } from './tensors';
import { jsonRow, median, textRow, time, type Unit } from './timing';

const json = process.argv.includes('--json');

function report(name: string, engine: number, baseline: string, baselineValue: number | undefined, unit: Unit = 'ms'): void {
  if (baselineValue === undefined) {
    // A baseline this machine cannot run (python3 without torch, as on CI): said, not silently left out.
    if (json) console.log(JSON.stringify({ name, baseline, skipped: `${baseline} is not available` }));
    else console.log(`${name.padEnd(34)} skipped: ${baseline} is not available (python3 without torch)`);
    return;
  }
  console.log(json ? JSON.stringify(jsonRow(name, engine, baseline, baselineValue, unit)) : textRow(name, engine, baseline, baselineValue, unit));
}

function logits(N: number, C: number): Float32Array {
  const x = new Float32Array(N * C);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 4;
  return x;
}

async function crossEntropyShape(engine: EngineClient, N: number, C: number, repeats: number): Promise<void> {
  const x = logits(N, C);
  const target = BigInt64Array.from({ length: N }, (_, i) => BigInt((i * 7919) % C));
  const engineMs = await time(repeats, async () => {
    // A fresh copy per call, in shared memory donated to the engine (its two threads score it and write the
    // gradient over it), as torch's baseline clones x per call. The copy is not timed.
    const data = new Float32Array(new SharedArrayBuffer(x.byteLength));
    data.set(x);
    const input = { dtype: 'float32' as const, shape: [N, C], data };
    const t = { dtype: 'int64' as const, shape: [N], data: target.slice() };
    return async () => void (await engine.evaluate({ op: 'cross_entropy', inputs: { input, target: t }, donate: ['input'] }));
  });
  const shape = `cross_entropy fwd+grad [${N},${C}]`;
  // Plain JS takes seconds per call at LLM size, so one timed call (its loops are JIT-compiled within the first
  // rows); at smaller sizes up to three after a warm-up call.
  const large = N * C >= 1 << 26;
  report(shape, engineMs, 'plain JS', await time(large ? 1 : Math.min(repeats, 3), async () => () => crossEntropyJs(x, target, N, C), !large));
  report(shape, engineMs, 'memcpy', await time(repeats, async () => () => memcpy(x)));
  report(shape, engineMs, 'torch CPU', torchCrossEntropy(N, C, repeats));
}

async function roundTrip(engine: EngineClient): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const input = { dtype: 'float32' as const, shape: [2, 5], data: Float32Array.from([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]) };
    const target = { dtype: 'int64' as const, shape: [2], data: BigInt64Array.from([1n, 3n]) };
    const t0 = performance.now();
    await engine.evaluate({ op: 'cross_entropy', inputs: { input, target } });
    if (i >= 50) samples.push(performance.now() - t0);
  }
  // Baseline: the same message through a worker that echoes it at once (the floor of any worker round trip).
  const echo = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true });
  const floor: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      echo.once('message', resolve);
      echo.postMessage({ type: 'evaluate', id: i, request: { op: 'cross_entropy', inputs: {} } });
    });
    if (i >= 50) floor.push(performance.now() - t0);
  }
  await echo.terminate();
  report('round trip cross_entropy [2,5] p50', median(samples), 'echo worker', median(floor));
  const sorted = [...samples].sort((a, b) => a - b);
  report('round trip cross_entropy [2,5] p95', sorted[Math.floor(sorted.length * 0.95)], 'echo worker', median(floor));
}

async function withEngine(body: (engine: EngineClient) => Promise<void>): Promise<void> {
  const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js') });
  try {
    await body(engine);
  } finally {
    engine.dispose();
  }
}

/**
 * Every group, each in a process of its own: a group run after another in one process was measured with the
 * other's heap (3.7 GB after the large cross-entropy and JSONL groups; the event-folder row read 1.96x there
 * against 1.18x alone, the inspect rows' child RSS the parent's).
 */
const GROUPS = ['round_trip', 'cross_entropy', 'logs', 'training', 'tensors', 'lint', 'inspect'];

function main(): void {
  for (const group of GROUPS) {
    const r = spawnSync(process.execPath, [process.argv[1], '--only', group, ...(json ? ['--json'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`bench group ${group} failed (${r.status ?? r.signal})`);
      process.exitCode = 1;
    }
  }
}

async function benchLogs(): Promise<void> {
  await benchLogParse(report);
  await benchBands(report);
  await benchLogFolder(report);
}

// `npm run bench -- --only tensors` (or `round_trip` (with cross_entropy at [512, 32000]), `cross_entropy` for
// [4096, 50257], `logs`, `bands` (part of `logs`), `training`, `lint`, `inspect`) runs one group.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (process.argv.includes('--rss')) void measureRss(process.argv[process.argv.indexOf('--rss') + 1], process.argv[process.argv.indexOf('--rss') + 2]);
else if (only === 'round_trip') void withEngine(async (engine) => {
  await roundTrip(engine);
  await crossEntropyShape(engine, 512, 32000, 7);
});
else if (only === 'cross_entropy') void withEngine((engine) => crossEntropyShape(engine, 4096, 50257, 3));
else if (only === 'training') void benchTraining(report);
else if (only === 'tensors') void benchTensors(report);
else if (only === 'lint') void benchLint(report);
else if (only === 'inspect') void benchInspect(report);
else if (only === 'logs') void benchLogs();
else if (only === 'bands') void benchBands(report);
else if (only !== undefined) {
  console.error(`unknown bench group '${only}': one of ${GROUPS.join(', ')}, bands`);
  process.exitCode = 2;
} else main();
