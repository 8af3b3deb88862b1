// Node side of the log reader: which files are logs, how to read them, and following a file as it grows.
import { readdirSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { appendSeries, emptyRun, seriesOf, type LogFormat, type Run } from './model';
import { readCsv, readJsonLines, readTrainerState } from './text';
import { readEventRecords } from './tfevents';

export function detectFormat(file: string): LogFormat | undefined {
  const name = path.basename(file);
  if (name.includes('tfevents')) return 'tfevents';
  if (name === 'trainer_state.json') return 'trainer_state';
  if (name.endsWith('.jsonl') || name === 'metrics.json') return 'jsonl';
  if (name.endsWith('.csv') || name === 'training.log') return 'csv';
  return undefined;
}

/** Log files under `target` (a file or a folder, searched recursively), sorted by path. */
export function findLogFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (detectFormat(p) && !entry.name.endsWith('.expected.json')) out.push(p);
    }
  };
  walk(target);
  return out.sort();
}

/** Follows one log file: each read() decodes only the bytes appended since the last one. */
export class LogFile {
  readonly run: Run;
  private offset = 0;
  private lines = 0;
  private pending = new Uint8Array(0);

  constructor(readonly file: string, readonly format: LogFormat, runName: string) {
    this.run = emptyRun(runName, format);
  }

  /** Reads what was appended (the whole file for formats that are rewritten: trainer_state, CSV). */
  async read(final = false): Promise<Run> {
    if (this.format === 'trainer_state' || this.format === 'csv') {
      const content = await fs.readFile(this.file, 'utf8');
      this.run.scalars = {};
      this.run.skipped = {};
      if (this.format === 'csv') readCsv(content, this.run);
      else readTrainerState(content, this.run);
      return this.run;
    }
    const handle = await fs.open(this.file, 'r');
    try {
      const { size } = await handle.stat();
      if (size < this.offset) throw new Error(`${this.file} shrank from ${this.offset} to ${size} bytes; reopen it`);
      const fresh = Buffer.alloc(size - this.offset);
      await handle.read(fresh, 0, fresh.length, this.offset);
      this.offset = size;
      const bytes = this.pending.length ? Buffer.concat([this.pending, fresh]) : fresh;
      let used: number;
      if (this.format === 'tfevents') {
        used = readEventRecords(bytes, this.run).offset;
        if (final && used < bytes.length) this.run.skipped['truncated final record (bytes ignored)'] = bytes.length - used;
      } else {
        const text = new TextDecoder().decode(bytes);
        const progress = readJsonLines(text, this.run, this.lines, final);
        this.lines = progress.lines;
        used = Buffer.byteLength(text.slice(0, progress.consumed));
      }
      this.pending = bytes.subarray(used);
      return this.run;
    } finally {
      await handle.close();
    }
  }
}

/** Every log under `target` decoded; event files of one folder form one run (as TensorBoard groups them). */
export async function loadRuns(target: string): Promise<Run[]> {
  const root = statSync(target).isDirectory() ? target : path.dirname(target);
  const runs = new Map<string, Run>();
  for (const file of findLogFiles(target)) {
    const format = detectFormat(file)!;
    const rel = path.relative(root, format === 'tfevents' ? path.dirname(file) : file) || path.basename(format === 'tfevents' ? path.dirname(file) : file);
    const log = new LogFile(file, format, rel);
    const run = await log.read(true);
    const merged = runs.get(rel);
    if (!merged) runs.set(rel, run);
    else mergeInto(merged, run);
  }
  return [...runs.values()];
}

/** Appends `source`'s points and skip counts to `target`. */
export function mergeInto(target: Run, source: Run): void {
  for (const [tag, series] of Object.entries(source.scalars)) appendSeries(seriesOf(target, tag), series);
  for (const [reason, n] of Object.entries(source.skipped)) target.skipped[reason] = (target.skipped[reason] ?? 0) + n;
}
