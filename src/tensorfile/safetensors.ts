// .safetensors (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}, then the raw bytes.
// Validated as the format requires: known dtypes, sizes that match the shapes, offsets inside the data,
// no two tensors overlapping.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { FileDtype } from './dtypes';
import { byteLength, fileError, type FileSource, type TensorEntry } from './tensorFile';

const DTYPES: Record<string, FileDtype> = {
  F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64',
  I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

/** Headers beyond this are refused rather than allocated (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

export function safetensorsEntries(source: FileSource): TensorEntry[] {
  const file = source.path;
  if (source.size < 8) fileError(file, `truncated: ${source.size} bytes, a safetensors file starts with an 8-byte header length`);
  const headerLength = Number(source.read(0, 8).readBigUInt64LE(0));
  if (headerLength > MAX_HEADER || 8 + headerLength > source.size) {
    fileError(file, `header length ${headerLength} does not fit the file's ${source.size} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(source.read(8, headerLength).toString('utf8'));
  } catch (error) {
    fileError(file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fileError(file, 'header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  const entries: (TensorEntry & { end: number })[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') fileError(file, 'header entry is not an object', name);
    const dtype = DTYPES[String(info.dtype)] ?? fileError(file, `unknown dtype ${JSON.stringify(info.dtype)}; known: ${Object.keys(DTYPES).join(', ')}`, name);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fileError(file, `invalid shape ${JSON.stringify(shape)}`, name);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      fileError(file, `invalid data_offsets ${JSON.stringify(offsets)}`, name);
    }
    const [begin, end] = offsets as [number, number];
    const need = byteLength({ dtype, shape });
    if (end - begin !== need) fileError(file, `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${info.dtype} ${JSON.stringify(shape)} needs ${need}`, name);
    if (end > dataSize) fileError(file, `truncated: data_offsets end at ${end}, the data section has ${dataSize} bytes`, name);
    entries.push({ name, dtype, shape, offset: dataStart + begin, end: dataStart + end });
  }
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].offset < sorted[i - 1].end) fileError(file, `overlaps '${sorted[i - 1].name}' (data_offsets cross)`, sorted[i].name);
  }
  return entries.map(({ end: _end, ...e }) => e);
}

const CODES = Object.fromEntries(Object.entries(DTYPES).map(([code, dtype]) => [dtype, code])) as Record<FileDtype, string>;

/** The start of a .safetensors file holding `tensors` in this order: the 8-byte length and the JSON header, padded so data starts 8-aligned. */
export function safetensorsHeader(tensors: Record<string, { dtype: FileDtype; shape: number[] }>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = byteLength(t);
    header[name] = { dtype: CODES[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json)]);
}

/** Encodes float32 / int64 tensors as a .safetensors file (the layout above), for tests and exports. */
export function encodeSafetensors(tensors: Record<string, { dtype: 'float32' | 'int64'; shape: number[]; data: Float32Array | BigInt64Array }>): Buffer[] {
  return [safetensorsHeader(tensors), ...Object.values(tensors).map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
}

/** A tensor to stream to disk: its raw little-endian bytes arrive in chunks, in row-major order. */
export interface StreamedTensor {
  dtype: FileDtype;
  shape: number[];
  chunks: Iterable<ArrayBufferView>;
}

/** Writes a .safetensors file chunk by chunk: a file larger than memory is never held whole. */
export function writeSafetensors(file: string, tensors: Record<string, StreamedTensor>): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, safetensorsHeader(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      let written = 0;
      for (const chunk of t.chunks) {
        const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
        written += bytes.length;
      }
      if (written !== byteLength(t)) throw new Error(`'${name}': ${t.dtype} ${JSON.stringify(t.shape)} needs ${byteLength(t)} bytes, its chunks held ${written}`);
    }
  } finally {
    closeSync(fd);
  }
}
