// The protobuf wire format scanned in place, for the hot path of event files (one Event per scalar point):
// varints as numbers (BigInt only for the rare 10-byte negative int64), fields skipped without objects, and
// tag strings decoded once per distinct byte sequence. The general reader is protoReader.ts.

/** A position in a message's bytes; the scan functions advance `pos`. */
export interface Cursor {
  bytes: Uint8Array;
  pos: number;
  end: number;
}

/** An unsigned varint as a number (exact below 2^53); `signed64` reads it as a two's-complement int64. */
export function varint(c: Cursor, signed64 = false): number {
  const { bytes, end } = c;
  const start = c.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= end) throw new Error('truncated varint');
    const b = bytes[c.pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return i >= 7 && signed64 ? exactInt64(bytes, start, c.pos) : value;
    scale *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

function exactInt64(bytes: Uint8Array, start: number, end: number): number {
  let v = 0n;
  for (let i = end - 1; i >= start; i--) v = (v << 7n) | BigInt(bytes[i] & 0x7f);
  return Number(BigInt.asIntN(64, v));
}

/** Skips one field's value of wire type `wire`. */
export function skipField(c: Cursor, wire: number): void {
  if (wire === 0) varint(c);
  else if (wire === 1) {
    if (c.pos + 8 > c.end) throw new Error('truncated fixed64 field');
    c.pos += 8;
  }
  else if (wire === 2) {
    const length = varint(c);
    c.pos += length;
  }
  else if (wire === 5) {
    if (c.pos + 4 > c.end) throw new Error('truncated fixed32 field');
    c.pos += 4;
  }
  else throw new Error(`unsupported wire type ${wire}`);
  if (c.pos > c.end) throw new Error('truncated field');
}

const decoder = new TextDecoder();
/** Decoded strings by a hash of their bytes (a few thousand distinct tags; more start the cache over). */
const strings = new Map<number, string>();
const MAX_STRINGS = 1 << 16;

/** The UTF-8 string in bytes[start, end): from the cache when these ASCII bytes were seen before. */
export function cachedString(bytes: Uint8Array, start: number, end: number): string {
  let hash = 0x811c9dc5 ^ (end - start);
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x80) ascii = false;
    hash = Math.imul(hash ^ b, 0x01000193);
  }
  if (!ascii) return decoder.decode(bytes.subarray(start, end));
  const hit = strings.get(hash);
  if (hit !== undefined && hit.length === end - start && sameAscii(hit, bytes, start)) return hit;
  const s = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  if (strings.size >= MAX_STRINGS) strings.clear();
  strings.set(hash, s);
  return s;
}

function sameAscii(s: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
