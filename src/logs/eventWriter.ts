// A writer of TensorBoard event files (TFRecord + Event protobuf): the fixtures of our tests and the bench's folders.
import { maskedCrc32c } from './crc32c';
import { ProtoWriter } from '../engine/onnx/protobuf';

function double(value: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return b;
}

/** Event{wall_time, step, summary{value{tag, simple_value | tensor(DT_FLOAT scalar)}}}. */
export function scalarEvent(step: number, wallTime: number, tag: string, value: number, asTensor = false): Uint8Array {
  const w = new ProtoWriter();
  // wall_time is a fixed64 double (wire type 1): written by hand as ProtoWriter has no fixed64.
  const wt = new Uint8Array([(1 << 3) | 1, ...double(wallTime)]);
  w.int(2, step);
  w.message(5, (summary) =>
    summary.message(1, (v) => {
      v.string(1, tag);
      if (asTensor) {
        v.message(8, (t) => {
          t.int(1, 1);
          t.message(2, () => undefined);
          t.packedFloats(5, [value]);
        });
      } else v.float(2, value);
    }),
  );
  const body = w.finish();
  const out = new Uint8Array(wt.length + body.length);
  out.set(wt);
  out.set(body, wt.length);
  return out;
}

export function fileVersionEvent(): Uint8Array {
  return new ProtoWriter().string(3, 'brain.Event:2').finish();
}

/** Bytes of `data` as one TFRecord: length, its masked CRC-32C, the data, the data's masked CRC-32C. */
export const recordSize = (data: Uint8Array) => data.length + 16;

/** Writes `data` framed as one TFRecord into `out` at `at`; returns the offset after it. `corrupt` breaks its data CRC. */
export function writeRecord(out: Uint8Array, at: number, data: Uint8Array, corrupt = false): number {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setBigUint64(at, BigInt(data.length), true);
  dv.setUint32(at + 8, maskedCrc32c(out, at, at + 8), true);
  out.set(data, at + 12);
  dv.setUint32(at + 12 + data.length, (maskedCrc32c(data) + (corrupt ? 1 : 0)) >>> 0, true);
  return at + recordSize(data);
}

/** TFRecord framing of `records`; `corrupt` lists record indices whose data CRC is broken. */
export function tfrecords(records: Uint8Array[], corrupt: number[] = []): Uint8Array {
  const out = new Uint8Array(records.reduce((n, r) => n + recordSize(r), 0));
  let at = 0;
  records.forEach((data, i) => (at = writeRecord(out, at, data, corrupt.includes(i))));
  return out;
}
