// The protobuf wire format scanned in place, for the hot path of event files (one Event per scalar point):
// varints as numbers (BigInt only for the rare 10-byte negative int64) and fields skipped without objects.
// The general reader is protoReader.ts.

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
