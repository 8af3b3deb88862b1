// A tensor file opened for reading: its entries (name, dtype, shape, where the bytes are) and positioned reads
// of row ranges, so a file larger than memory is never read whole. Node only.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { allocate, decodeInto, ITEM_SIZE, type Decoded, type FileDtype } from './dtypes';

/** A refused file: the message names the file and, where there is one, the entry. */
export class TensorFileError extends Error {
  override name = "TensorFileError";
}

export function fileError(file: string, message: string, entry?: string): never {
  throw new TensorFileError(`${path.basename(file)}${entry === undefined ? '' : `: '${entry}'`}: ${message}`);
}

/** Where an entry's bytes are: `offset` into the file, row-major (C order) unless `fortran`. */
export interface TensorEntry {
  name: string;
  dtype: FileDtype;
  shape: number[];
  offset: number;
  bigEndian?: boolean;
  /** Column-major (NumPy fortran_order): read whole and transposed. */
  fortran?: boolean;
  /** Deflated (a compressed .npz member): `inflate` gives the raw bytes. */
  inflate?: () => Buffer;
}

export const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
export const byteLength = (e: Pick<TensorEntry, 'dtype' | 'shape'>) => numel(e.shape) * ITEM_SIZE[e.dtype];

/** An open file: positioned reads only. */
export class FileSource {
  readonly size: number;
  private fd: number;
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      fileError(path, `cannot open (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    this.size = fstatSync(this.fd).size;
  }

  /** Exactly `length` bytes at `position`, or an error naming what was cut off. */
  read(position: number, length: number, entry?: string): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.readInto(position, out, entry);
    return out;
  }

  /** Fills `out` with the bytes at `position`, or throws an error naming what was cut off. */
  readInto(position: number, out: Uint8Array, entry?: string): void {
    if (position + out.length > this.size) fileError(this.path, `truncated: needs bytes up to ${position + out.length}, the file has ${this.size}`, entry);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, Math.min(out.length - done, 1 << 30), position + done);
      if (n === 0) fileError(this.path, `truncated at byte ${position + done}`, entry);
      done += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Rows [start, start + count) of the entry's first axis, decoded (float32 or int64). */
export function readRows(source: FileSource, entry: TensorEntry, start: number, count: number): Decoded {
  const rowElements = numel(entry.shape.slice(1));
  const rows = entry.shape.length === 0 ? 1 : entry.shape[0];
  if (start < 0 || count < 0 || start + count > rows) throw new RangeError(`rows ${start}..${start + count} of '${entry.name}' with ${rows} rows`);
  const item = ITEM_SIZE[entry.dtype];
  if (entry.fortran || entry.inflate) {
    const all = readWhole(source, entry);
    return all.slice(start * rowElements, (start + count) * rowElements) as Decoded;
  }
  const out = allocate(entry.dtype, count * rowElements);
  if ((entry.dtype === 'float32' || entry.dtype === 'int64') && !entry.bigEndian) {
    // Stored as decoded: the bytes are read straight into the result (no second copy of a block of logits).
    source.readInto(entry.offset + start * rowElements * item, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), entry.name);
    return out;
  }
  // At most 64 MB of raw bytes per read: bounded memory whatever the row size.
  const perRead = Math.max(1, Math.floor((64 << 20) / Math.max(1, rowElements * item)));
  for (let r = 0; r < count; r += perRead) {
    const n = Math.min(perRead, count - r);
    const bytes = source.read(entry.offset + (start + r) * rowElements * item, n * rowElements * item, entry.name);
    decodeInto(entry.dtype, bytes, n * rowElements, out, r * rowElements, entry.bigEndian);
  }
  return out;
}

/** The whole entry, decoded, in row-major order. */
export function readWhole(source: FileSource, entry: TensorEntry): Decoded {
  const count = numel(entry.shape);
  const bytes = entry.inflate ? entry.inflate() : source.read(entry.offset, byteLength(entry), entry.name);
  if (bytes.length < byteLength(entry)) fileError(source.path, `holds ${bytes.length} bytes, its ${entry.dtype} ${JSON.stringify(entry.shape)} needs ${byteLength(entry)}`, entry.name);
  const out = allocate(entry.dtype, count);
  decodeInto(entry.dtype, bytes, count, out, 0, entry.bigEndian);
  return entry.fortran ? fromFortran(out, entry.shape) : out;
}

function fromFortran(data: Decoded, shape: readonly number[]): Decoded {
  const out = (data instanceof Float32Array ? new Float32Array(data.length) : new BigInt64Array(data.length)) as Decoded;
  const rank = shape.length;
  const index = new Array(rank).fill(0);
  for (let f = 0; f < data.length; f++) {
    // f walks column-major; compute the row-major position of the same index.
    let c = 0;
    for (let k = 0; k < rank; k++) c = c * shape[k] + index[k];
    out[c] = data[f];
    for (let k = 0; k < rank; k++) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}
