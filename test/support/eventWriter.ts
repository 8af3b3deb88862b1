// Test-only writer of TensorBoard event files (TFRecord + Event protobuf), for fixtures of our own.
import { maskedCrc32c } from '../../src/logs/crc32c';
import { ProtoWriter } from '../../src/engine/onnx/protobuf';

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

/** TFRecord framing of `records`; `corrupt` lists record indices whose data CRC is broken. */
export function tfrecords(records: Uint8Array[], corrupt: number[] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  records.forEach((data, i) => {
    const header = new Uint8Array(12);
    const dv = new DataView(header.buffer);
    dv.setBigUint64(0, BigInt(data.length), true);
    dv.setUint32(8, maskedCrc32c(header, 0, 8), true);
    const footer = new Uint8Array(4);
    new DataView(footer.buffer).setUint32(0, (maskedCrc32c(data) + (corrupt.includes(i) ? 1 : 0)) >>> 0, true);
    parts.push(header, data, footer);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}
