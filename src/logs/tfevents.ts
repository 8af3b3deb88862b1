// TensorBoard event files (events.out.tfevents.*): TFRecord framing
//   uint64 length | uint32 masked_crc32c(length) | data[length] | uint32 masked_crc32c(data)
// with each record a tensorflow.Event protobuf. Decodes scalar summaries: `simple_value` (TF1, PyTorch,
// tensorboardX) and rank-0 float tensors of the "scalars" plugin (TF2); the hparams plugin's session start
// gives the run's hyperparameters (hparams.ts). Other summaries (histograms,
// images, text, graphs) are counted as skipped by tag kind.
import { maskedCrc32c } from './crc32c';
import { addHparams, hparamsPluginContent, sessionStartHparams } from './hparams';
import { addPoint, skip, type Run } from './model';
import { ProtoReader, text, view, type FieldValue } from './protoReader';
import { TagWriters } from './tagWriters';
import { skipField, varint, type Cursor } from './wireScan';

export interface EventFileProgress {
  /** Byte offset just past the last complete record: where an incremental read continues. */
  offset: number;
  records: number;
  /** Bytes at the end that do not yet form a complete record (a file still being written, or cut off). */
  pendingBytes: number;
}

const DT_FLOAT = 1;
const DT_DOUBLE = 2;

/** Decodes every complete record of `bytes` (starting at `start`) into `run`. */
export function readEventRecords(bytes: Uint8Array, run: Run, start = 0): EventFileProgress {
  const tags = new TagWriters(run);
  try {
    return decodeRecords(bytes, run, tags, start);
  } finally {
    tags.flush();
  }
}

/**
 * Event records fed in chunks of bytes as they are read (never the whole file): a record cut by a chunk's end
 * waits for the next chunk. Each tag's bytes map to its series' writer, so a point costs no string.
 */
export class EventRecordStream {
  private readonly tags: TagWriters;
  /** The bytes of a record that the chunks so far did not complete (a copy: the caller reuses its chunk). */
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly run: Run) {
    this.tags = new TagWriters(run);
  }

  /** Bytes at the end that do not yet form a complete record. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.pending.length) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
    }
    const { offset } = decodeRecords(bytes, this.run, this.tags, 0);
    this.pending = new Uint8Array(bytes.subarray(offset)); // a copy (Buffer#slice would be a view)
    this.tags.flush();
  }

  /** The file is complete: bytes that never formed a record are counted as skipped. */
  end(): void {
    if (this.pending.length) skip(this.run, 'truncated final record (bytes ignored)', this.pending.length);
    this.pending = new Uint8Array(0);
  }
}

function decodeRecords(bytes: Uint8Array, run: Run, tags: TagWriters, start: number): EventFileProgress {
  const dv = view(bytes);
  let pos = start;
  let records = 0;
  while (pos + 12 <= bytes.length) {
    const length = dv.getUint32(pos, true) + dv.getUint32(pos + 4, true) * 2 ** 32;
    if (dv.getUint32(pos + 8, true) !== maskedCrc32c(bytes, pos, pos + 8)) {
      // A corrupt length loses the framing: look for the next offset where a whole record checks out (both
      // CRCs), as TensorBoard's reader recovers, and count the bytes passed over.
      const next = nextValidRecord(bytes, dv, pos + 1);
      skip(run, 'bytes skipped after a record length CRC mismatch', (next ?? bytes.length) - pos);
      if (next === undefined) return { offset: bytes.length, records, pendingBytes: 0 };
      pos = next;
      continue;
    }
    const dataStart = pos + 12;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) break;
    if (dv.getUint32(dataEnd, true) !== maskedCrc32c(bytes, dataStart, dataEnd)) {
      skip(run, 'record data CRC mismatch');
    } else {
      try {
        decodeEvent(bytes, dv, dataStart, dataEnd, run, tags);
      } catch (error) {
        skip(run, `undecodable record (${error instanceof Error ? error.message : error})`);
      }
    }
    records++;
    pos = dataEnd + 4;
  }
  return { offset: pos, records, pendingBytes: bytes.length - pos };
}

/** The first offset from `from` where a complete record's length CRC and data CRC both match. */
function nextValidRecord(bytes: Uint8Array, dv: DataView, from: number): number | undefined {
  for (let p = from; p + 16 <= bytes.length; p++) {
    if (dv.getUint32(p + 8, true) !== maskedCrc32c(bytes, p, p + 8)) continue;
    const end = p + 12 + Number(dv.getBigUint64(p, true));
    if (end + 4 <= bytes.length && dv.getUint32(end, true) === maskedCrc32c(bytes, p + 12, end)) return p;
  }
  return undefined;
}

/** Event: wall_time (1, double), step (2, int64), summary (5); other fields (file_version, graph, …) skipped. */
function decodeEvent(bytes: Uint8Array, dv: DataView, start: number, end: number, run: Run, tags: TagWriters): void {
  const c: Cursor = { bytes, pos: start, end };
  let wallTime: number | null = null;
  let step = 0;
  let summaryStart = -1;
  let summaryEnd = -1;
  while (c.pos < end) {
    const key = varint(c);
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === 1 && c.pos + 8 <= end) {
      wallTime = dv.getFloat64(c.pos, true);
      c.pos += 8;
    } else if (field === 2 && wire === 0) step = varint(c, true);
    else if (field === 5 && wire === 2) {
      const length = varint(c);
      summaryStart = c.pos;
      summaryEnd = c.pos += length;
      if (summaryEnd > end) throw new Error('truncated field');
    } else skipField(c, wire);
  }
  if (summaryStart < 0) return;
  // Summary: repeated Value (1). A value of only a tag and a simple_value (PyTorch, tensorboardX, TF1) is read
  // here; any other (tensors, plugin metadata, images) by the general decoder.
  const s: Cursor = { bytes, pos: summaryStart, end: summaryEnd };
  while (s.pos < summaryEnd) {
    const key = varint(s);
    if (key !== ((1 << 3) | 2)) {
      skipField(s, key & 7);
      continue;
    }
    const valueEnd = varint(s) + s.pos;
    if (valueEnd > summaryEnd) throw new Error('truncated field');
    if (!simpleValue(s, dv, valueEnd, step, wallTime, tags)) {
      tags.flush(); // the general decoder appends through addPoint: the writers' views must be current
      decodeValue(bytes, s.pos, valueEnd, step, wallTime, run);
    }
    s.pos = valueEnd;
  }
}

/** Adds a Value{tag (1), simple_value (2)} as a point and returns true; false (nothing added) for any other. */
function simpleValue(outer: Cursor, dv: DataView, end: number, step: number, wallTime: number | null, tags: TagWriters): boolean {
  const c: Cursor = { bytes: outer.bytes, pos: outer.pos, end };
  let tagStart = -1;
  let tagEnd = -1;
  let value: number | undefined;
  while (c.pos < end) {
    const key = varint(c);
    if (key === ((1 << 3) | 2)) {
      const length = varint(c);
      if (c.pos + length > end) return false;
      tagStart = c.pos;
      tagEnd = c.pos += length;
    } else if (key === ((2 << 3) | 5) && c.pos + 4 <= end) {
      value = dv.getFloat32(c.pos, true);
      c.pos += 4;
    } else return false;
  }
  if (tagStart < 0 || value === undefined) return false;
  tags.writer(c.bytes, tagStart, tagEnd).push(step, wallTime ?? NaN, value);
  return true;
}

/** Summary.Value: tag (1), simple_value (2), histo (5), image (4), tensor (8), metadata (9). */
function decodeValue(bytes: Uint8Array, start: number, end: number, step: number, wallTime: number | null, run: Run): void {
  let tag = '';
  let simple: number | undefined;
  let tensor: FieldValue | undefined;
  let metadata: FieldValue | undefined;
  let other = '';
  new ProtoReader(bytes, start, end).forEach((field, v) => {
    if (field === 1) tag = text(bytes, v);
    else if (field === 2 && v.wire === 5) simple = view(bytes).getFloat32(v.offset, true);
    else if (field === 8) tensor = v;
    else if (field === 9) metadata = v;
    else if (field === 4) other = 'image';
    else if (field === 5) other = 'histogram';
    else if (field === 6) other = 'audio';
  });
  if (simple !== undefined) return addPoint(run, tag, step, wallTime, simple);
  const md = metadata as FieldValue | undefined;
  const plugin = md && md.wire === 2 ? hparamsPluginContent(bytes, md.start, md.end) : undefined;
  if (plugin) {
    // The hparams plugin's experiment, session start and end: only the start carries the run's values.
    const hparams = sessionStartHparams(bytes, plugin.start, plugin.end);
    if (hparams) addHparams(run, hparams);
    return;
  }
  const t = tensor as FieldValue | undefined;
  const scalar = t && t.wire === 2 ? scalarTensor(bytes, t.start, t.end) : undefined;
  if (scalar !== undefined) return addPoint(run, tag, step, wallTime, scalar);
  skip(run, `non-scalar summary (${other || 'tensor'})`);
}

/** A rank-0 DT_FLOAT/DT_DOUBLE TensorProto's value: float_val (5), double_val (6) or tensor_content (4). */
function scalarTensor(bytes: Uint8Array, start: number, end: number): number | undefined {
  let dtype = 0;
  let rank = 0;
  let value: number | undefined;
  new ProtoReader(bytes, start, end).forEach((field, v) => {
    if (field === 1 && v.wire === 0) dtype = Number(v.value);
    else if (field === 2 && v.wire === 2) new ProtoReader(bytes, v.start, v.end).forEach((f) => void (f === 2 && rank++));
    else if (field === 4 && v.wire === 2) value = contentValue(bytes, v.start, v.end, dtype);
    else if (field === 5) value = packedFirst(bytes, v, 'float');
    else if (field === 6) value = packedFirst(bytes, v, 'double');
  });
  return rank === 0 && (dtype === DT_FLOAT || dtype === DT_DOUBLE) ? value : undefined;
}

function contentValue(bytes: Uint8Array, start: number, end: number, dtype: number): number | undefined {
  if (dtype === DT_FLOAT && end - start === 4) return view(bytes).getFloat32(start, true);
  if (dtype === DT_DOUBLE && end - start === 8) return view(bytes).getFloat64(start, true);
  return undefined;
}

function packedFirst(bytes: Uint8Array, v: FieldValue, kind: 'float' | 'double'): number | undefined {
  const dv = view(bytes);
  if (v.wire === 2) return kind === 'float' ? dv.getFloat32(v.start, true) : dv.getFloat64(v.start, true);
  if (v.wire === 5) return dv.getFloat32(v.offset, true);
  if (v.wire === 1) return dv.getFloat64(v.offset, true);
  return undefined;
}
