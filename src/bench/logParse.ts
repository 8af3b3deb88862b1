// Parsing JSONL training logs with the log reader against a bare JSON.parse loop over the same lines (the
// floor any JSONL reader pays): a 1,000,000-line log in memory, and a 10,000,000-line log file (about 1 GB,
// written to a temp folder here) streamed from disk in the reader's chunks, with the reader's RSS growth.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHUNK_BYTES, LogFile } from '../logs/files';
import { emptyRun } from '../logs/model';
import { readJsonLines } from '../logs/text';
import { rssGrowthOf } from './rss';
import { time, type Report } from './timing';

/** Line `step` of `lines`: a train line of five keys, every 50th an eval line of two. */
function logLine(step: number, lines: number): string {
  const loss = 2 + Math.exp(-step / 1e5) + Math.sin(step) * 0.01;
  return step % 50 === 0 ? `{"step": ${step}, "eval_loss": ${loss.toFixed(6)}}` : `{"step": ${step}, "loss": ${loss.toFixed(6)}, "learning_rate": ${(3e-4 * (1 - step / lines)).toExponential(6)}, "grad_norm": ${(1 + Math.cos(step) * 0.2).toFixed(5)}, "epoch": ${(step / 2e5).toFixed(5)}}`;
}

/** Points the reader finds in a log of `lines` lines: four per train line, one per eval line. */
const pointsIn = (lines: number) => 4 * lines - 3 * Math.floor(lines / 50);

function syntheticLog(lines: number): string {
  const out: string[] = [];
  for (let step = 1; step <= lines; step++) out.push(logLine(step, lines));
  return out.join('\n') + '\n';
}

function writeLog(file: string, lines: number): void {
  const fd = openSync(file, 'w');
  try {
    for (let from = 1; from <= lines; from += 100_000) {
      const batch: string[] = [];
      for (let step = from; step < from + 100_000 && step <= lines; step++) batch.push(logLine(step, lines));
      writeSync(fd, batch.join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
}

/** One JSON.parse per line of `text` from `start`; returns where the last complete line ended. */
function parseLines(text: string, keys: { n: number }): number {
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
    if (nl > start) keys.n += Object.keys(JSON.parse(text.slice(start, nl))).length;
  }
  return start;
}

/** The file read in the reader's chunks, decoded as a stream, one JSON.parse per line: the floor. */
function bareStreamedLoop(file: string): number {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new TextDecoder();
  const keys = { n: 0 };
  let rest = '';
  try {
    for (let at = 0; ; ) {
      const got = readSync(fd, buffer, 0, buffer.length, at);
      if (got === 0) break;
      at += got;
      const text = rest + decoder.decode(buffer.subarray(0, got), { stream: true });
      rest = text.slice(parseLines(text, keys));
    }
  } finally {
    closeSync(fd);
  }
  return keys.n;
}

export async function benchLogParse(report: Report): Promise<void> {
  const text = syntheticLog(1_000_000);
  const parse = await time(3, async () => () => readJsonLines(text, emptyRun('bench', 'jsonl'), 0, true));
  // Lines are cut as the reader cuts them (indexOf and slice, one at a time): `text.split('\n')` would first
  // build an array of a million strings, work that is not JSON.parse's and that no reader has to do.
  const bare = await time(3, async () => () => parseLines(text, { n: 0 }));
  report('parse 1M-line JSONL log', parse, 'JSON.parse loop', bare);
  await benchLargeLog(report);
}

async function benchLargeLog(report: Report): Promise<void> {
  const lines = 10_000_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-bench-jsonl-'));
  try {
    const file = path.join(dir, 'train.jsonl');
    writeLog(file, lines);
    const rss = rssGrowthOf('runs', file);
    if (rss.points !== pointsIn(lines)) throw new Error(`the reader found ${rss.points} points, not ${pointsIn(lines)}`);
    // One timed pass each (after one untimed pass of the reader, in the RSS child above): a pass takes seconds.
    const parse = await time(1, async () => () => new LogFile(file, 'jsonl', 'bench').read(true), false);
    const bare = await time(1, async () => () => bareStreamedLoop(file), false);
    const name = 'stream 10M-line JSONL log';
    report(name, parse, 'JSON.parse loop', bare);
    // Not a time: MB of RSS growth against the 500 MB budget (ratio ≤ 1 is within it).
    report(`${name} RSS growth`, rss.growthMb, 'budget', 500, 'MB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
