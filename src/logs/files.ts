// Node side of the log reader: which files are logs, how to read them, and following a file as it grows.
import { constants as fsConstants, readdirSync, statSync, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { addHparams, foldHparamsSessions } from './hparams';
import { sideHparams } from './hparamsFiles';
import { appendSeries, emptyRun, seriesOf, type LogFormat, type Run } from './model';
import { JsonLinesStream, readCsv, readTrainerState } from './text';
import { EventRecordStream } from './tfevents';

export function detectFormat(file: string): LogFormat | undefined {
  const name = path.basename(file);
  if (name.includes('tfevents')) return 'tfevents';
  if (name === 'trainer_state.json') return 'trainer_state';
  if (name.endsWith('.jsonl') || name === 'metrics.json') return 'jsonl';
  if (name.endsWith('.csv') || name === 'training.log') return 'csv';
  return undefined;
}

/** Every file under `target` (a file or a folder, searched recursively; links are not followed), sorted. */
function filesUnder(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(target);
  return out.sort();
}

const isLogFile = (file: string) => detectFormat(file) !== undefined && !file.endsWith('.expected.json');

/** Log files under `target` (a file or a folder, searched recursively), sorted by path. */
export function findLogFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return filesUnder(target).filter(isLogFile);
}

/**
 * Bytes one read of a whole-file format (trainer_state.json, CSV: rewritten, parsed as one text) takes at
 * most: a log this large is cut there (and the cut is counted as skipped). JSONL and event files are streamed
 * and have no such limit.
 */
export const MAX_READ_BYTES = 512 * 2 ** 20;
/** Files are read in chunks of this size; JSONL and event files are decoded chunk by chunk. */
export const CHUNK_BYTES = 4 * 2 ** 20;
/** Files loadRuns reads at once: enough to keep the disk busy while one is decoded, few enough to bound memory. */
const CONCURRENT_READS = 16;

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

export interface LogFileOptions {
  /** Most bytes one read of a whole-file format takes (the rest of a larger file is counted as skipped). */
  maxBytes?: number;
  /** Bytes per read call (and per decoded chunk). */
  chunkBytes?: number;
}

/** Follows one log file: each read() decodes only the bytes appended since the last one. */
export class LogFile {
  readonly run: Run;
  private offset = 0;
  private stream: JsonLinesStream | EventRecordStream | undefined;
  private readonly maxBytes: number;
  private readonly chunkBytes: number;

  constructor(readonly file: string, readonly format: LogFormat, runName: string, options: LogFileOptions = {}) {
    this.run = emptyRun(runName, format);
    this.maxBytes = options.maxBytes ?? MAX_READ_BYTES;
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
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

  /**
   * Opens the file and hands `body` its size. Opened non-blocking and checked to be a regular file before
   * anything is read (a FIFO would block, a device never end): open, fstat, the reads, close.
   */
  private async withHandle<T>(body: (handle: fs.FileHandle, size: number) => Promise<T>): Promise<T> {
    const handle = await fs.open(this.file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new LogFileError(this.file, kind(st));
      return await body(handle, st.size);
    } finally {
      await handle.close();
    }
  }

  /** Calls `take` with each chunk of bytes [from, to); the chunk's buffer is reused after `take` returns. */
  private async chunks(handle: fs.FileHandle, from: number, to: number, take: (chunk: Uint8Array) => void): Promise<number> {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(this.chunkBytes, to - from)));
    let at = from;
    while (at < to) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, to - at), at);
      if (bytesRead === 0) break;
      take(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
    return at;
  }

  private async readRegular(final: boolean): Promise<Run> {
    if (this.format === 'trainer_state' || this.format === 'csv') return this.readWhole();
    return this.withHandle(async (handle, size) => {
      if (size < this.offset) throw new LogFileError(this.file, `shrank from ${this.offset} to ${size} bytes; reopen it`);
      const stream = (this.stream ??= this.format === 'tfevents' ? new EventRecordStream(this.run) : new JsonLinesStream(this.run));
      if (stream instanceof JsonLinesStream) stream.expect(size);
      this.offset = await this.chunks(handle, this.offset, size, (chunk) => stream.push(chunk));
      if (final) stream.end();
      return this.run;
    });
  }

  /** trainer_state.json and CSV are rewritten as a run goes on: read whole (up to maxBytes) and parsed anew. */
  private async readWhole(): Promise<Run> {
    const bytes = await this.withHandle(async (handle, size) => {
      const want = Math.min(size, this.maxBytes);
      const out = new Uint8Array(want);
      let got = 0;
      await this.chunks(handle, 0, want, (chunk) => {
        out.set(chunk, got);
        got += chunk.length;
      });
      this.run.scalars = {};
      this.run.skipped = {};
      if (size > this.maxBytes) this.run.skipped[`bytes beyond the first ${this.maxBytes} of one read (ignored)`] = size - this.maxBytes;
      return out.subarray(0, got);
    });
    const content = decodeLogText(bytes);
    try {
      if (this.format === 'csv') readCsv(content, this.run);
      else readTrainerState(content, this.run);
    } catch (error) {
      throw new LogFileError(this.file, error instanceof Error ? error.message : String(error));
    }
    return this.run;
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
 * file that cannot be read is left out and reported through `unreadable`; the others still load. Up to
 * CONCURRENT_READS files are read at once; runs are merged in file order whatever order the reads end in.
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
  const all = filesUnder(target);
  const files = isDir ? all.filter(isLogFile) : all;
  // The walk saw every file: a hyperparameter file it did not see is not looked for (a stat per run saved).
  const present = new Set(all);
  const loaded: (Promise<LoadedFile> | undefined)[] = new Array(files.length);
  let next = 0;
  const start = () => {
    if (next < files.length) {
      const k = next++;
      loaded[k] = loadFile(files[k], root, isDir ? (p) => present.has(p) : undefined).finally(start);
    }
  };
  for (let k = 0; k < Math.min(CONCURRENT_READS, files.length); k++) start();
  const runs = new Map<string, Run>();
  for (let k = 0; k < files.length; k++) {
    // Started by now: each of the k reads before it, all ended, started one more.
    const result = await loaded[k]!;
    loaded[k] = undefined;
    for (const error of result.errors) unreadable(error);
    const { run } = result;
    if (!run) continue;
    const merged = runs.get(run.name);
    if (!merged) runs.set(run.name, run);
    else mergeInto(merged, run);
  }
  return foldHparamsSessions([...runs.values()]);
}

interface LoadedFile {
  run?: Run;
  /** The file itself (then no run) or a hyperparameter file beside it could not be read. */
  errors: LogFileError[];
}

async function loadFile(file: string, root: string, exists: ((file: string) => boolean) | undefined): Promise<LoadedFile> {
  const format = detectFormat(file) ?? 'jsonl';
  const unit = format === 'tfevents' ? path.dirname(file) : file;
  const log = new LogFile(file, format, path.relative(root, unit) || path.basename(unit));
  const errors: LogFileError[] = [];
  let run: Run;
  try {
    run = await log.read(true);
  } catch (error) {
    errors.push(error instanceof LogFileError ? error : new LogFileError(file, reasonOf(error)));
    return { errors };
  }
  const side = await sideHparams(file, format, (f, reason) => errors.push(new LogFileError(f, reason)), exists);
  if (side) addHparams(run, side);
  return { run, errors };
}

/** Appends `source`'s points, skip counts and hyperparameters to `target`. */
export function mergeInto(target: Run, source: Run): void {
  if (source.hparams) addHparams(target, source.hparams);
  for (const [tag, series] of Object.entries(source.scalars)) appendSeries(seriesOf(target, tag), series);
  for (const [reason, n] of Object.entries(source.skipped)) target.skipped[reason] = (target.skipped[reason] ?? 0) + n;
}
