// Node side of the log reader: which files are logs, how to read them, and following a file as it grows.
import { readdirSync, statSync, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { addHparams, foldHparamsSessions } from './hparams';
import { sideHparams } from './hparamsFiles';
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

/** Bytes one read takes at most: a log this large is cut there (and the cut is counted as skipped). */
export const MAX_READ_BYTES = 512 * 2 ** 20;
/** Reads go in chunks of this size, so a file that grows while being read never costs more than the limit. */
const CHUNK = 4 * 2 ** 20;

/** A log file that cannot be read: the message says which file and why. */
export class LogFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
  }
}

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file (a dangling link, or it was removed)',
  ELOOP: 'a loop of symbolic links',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder, not a file',
};

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a folder, not a file';
  if (st.isFIFO()) return 'a named pipe (FIFO), not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device, not a regular file';
  if (st.isSocket()) return 'a socket, not a regular file';
  return 'not a regular file';
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  return (code && ERRNO[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** Follows one log file: each read() decodes only the bytes appended since the last one. */
export class LogFile {
  readonly run: Run;
  private offset = 0;
  private lines = 0;
  private pending: Uint8Array = new Uint8Array(0);

  /** `maxBytes`: most bytes one read takes (the rest of a larger file is counted as skipped). */
  constructor(readonly file: string, readonly format: LogFormat, runName: string, private readonly maxBytes = MAX_READ_BYTES) {
    this.run = emptyRun(runName, format);
  }

  /** Reads what was appended (the whole file for formats that are rewritten: trainer_state, CSV). */
  async read(final = false): Promise<Run> {
    try {
      return await this.readRegular(final);
    } catch (error) {
      if (error instanceof LogFileError) throw error;
      throw new LogFileError(this.file, reasonOf(error));
    }
  }

  /** Up to MAX_READ_BYTES from `from` to the end, in chunks; only a regular file is opened (a FIFO would block). */
  private async bytesFrom(from: number): Promise<Buffer> {
    const st = await fs.stat(this.file);
    if (!st.isFile()) throw new LogFileError(this.file, kind(st));
    if (st.size < from) throw new LogFileError(this.file, `shrank from ${from} to ${st.size} bytes; reopen it`);
    const handle = await fs.open(this.file, 'r');
    try {
      const want = Math.min(st.size - from, this.maxBytes);
      if (st.size - from > this.maxBytes) this.run.skipped[`bytes beyond the first ${this.maxBytes} of one read (ignored)`] = st.size - from - this.maxBytes;
      const out = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(out, got, Math.min(CHUNK, want - got), from + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return out.subarray(0, got);
    } finally {
      await handle.close();
    }
  }

  private async readRegular(final: boolean): Promise<Run> {
    if (this.format === 'trainer_state' || this.format === 'csv') {
      this.run.scalars = {};
      this.run.skipped = {};
      const content = decodeLogText(await this.bytesFrom(0));
      try {
        if (this.format === 'csv') readCsv(content, this.run);
        else readTrainerState(content, this.run);
      } catch (error) {
        throw new LogFileError(this.file, error instanceof Error ? error.message : String(error));
      }
      return this.run;
    }
    {
      const fresh = await this.bytesFrom(this.offset);
      this.offset += fresh.length;
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
    }
  }
}

/** Text of a log: UTF-8 with or without a BOM, or UTF-16 with its BOM. */
export function decodeLogText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder().decode(bytes); // drops a UTF-8 BOM
}

/**
 * Every log under `target` decoded; event files of one folder form one run (as TensorBoard groups them). A
 * file that cannot be read is left out and reported through `unreadable`; the others still load.
 */
export async function loadRuns(target: string, unreadable: (error: LogFileError) => void = () => undefined): Promise<Run[]> {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (error) {
    unreadable(new LogFileError(target, reasonOf(error)));
    return [];
  }
  const root = isDir ? target : path.dirname(target);
  const runs = new Map<string, Run>();
  for (const file of findLogFiles(target)) {
    const format = detectFormat(file) ?? 'jsonl';
    const rel = path.relative(root, format === 'tfevents' ? path.dirname(file) : file) || path.basename(format === 'tfevents' ? path.dirname(file) : file);
    const log = new LogFile(file, format, rel);
    let run: Run;
    try {
      run = await log.read(true);
    } catch (error) {
      unreadable(error instanceof LogFileError ? error : new LogFileError(file, reasonOf(error)));
      continue;
    }
    const side = await sideHparams(file, format, (f, reason) => unreadable(new LogFileError(f, reason)));
    if (side) addHparams(run, side);
    const merged = runs.get(rel);
    if (!merged) runs.set(rel, run);
    else mergeInto(merged, run);
  }
  return foldHparamsSessions([...runs.values()]);
}

/** Appends `source`'s points, skip counts and hyperparameters to `target`. */
export function mergeInto(target: Run, source: Run): void {
  if (source.hparams) addHparams(target, source.hparams);
  for (const [tag, series] of Object.entries(source.scalars)) appendSeries(seriesOf(target, tag), series);
  for (const [reason, n] of Object.entries(source.skipped)) target.skipped[reason] = (target.skipped[reason] ?? 0) + n;
}
