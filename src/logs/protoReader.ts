// A minimal protobuf reader: iterate (field, wire type, value) over a message's bytes.

export type FieldValue = { wire: 0; value: bigint } | { wire: 1; offset: number } | { wire: 2; start: number; end: number } | { wire: 5; offset: number };

export class ProtoReader {
  private pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, private readonly end = bytes.length) {
    this.pos = start;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  }

  /** Calls `visit` for each field; unknown wire types end the message with an error. */
  forEach(visit: (field: number, value: FieldValue) => void): void {
    while (this.pos < this.end) {
      const key = Number(this.varint());
      const field = key >>> 3;
      const wire = key & 7;
      if (wire === 0) visit(field, { wire, value: this.varint() });
      else if (wire === 1) {
        if (this.pos + 8 > this.end) throw new Error('truncated fixed64 field');
        visit(field, { wire, offset: this.pos });
        this.pos += 8;
      } else if (wire === 2) {
        const len = Number(this.varint());
        if (this.pos + len > this.end) throw new Error('truncated field');
        visit(field, { wire, start: this.pos, end: this.pos + len });
        this.pos += len;
      } else if (wire === 5) {
        if (this.pos + 4 > this.end) throw new Error('truncated fixed32 field');
        visit(field, { wire, offset: this.pos });
        this.pos += 4;
      } else throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

const decoder = new TextDecoder();

export function text(bytes: Uint8Array, v: FieldValue): string {
  return v.wire === 2 ? decoder.decode(bytes.subarray(v.start, v.end)) : '';
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
