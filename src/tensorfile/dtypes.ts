// Element types found in tensor files, and their decoding into the engine's two working types: float32 for
// floating point (half and bfloat16 widened, float64 narrowed, as a float32 PyTorch session computes) and
// int64 for integers and booleans (labels, ids, masks).

export type FileDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const ITEM_SIZE: Record<FileDtype, number> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export function isFloatDtype(d: FileDtype): boolean {
  return d === 'float32' || d === 'float16' || d === 'bfloat16' || d === 'float64';
}

/** Decoded values: float32 for floating dtypes, int64 otherwise. */
export type Decoded = Float32Array | BigInt64Array;

const HALF = (() => {
  // All 65536 half values as float32: decoding is then one table lookup per element.
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    table[h] = exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return table;
})();

/**
 * Decodes `count` elements of `dtype` from `bytes` (little-endian unless `bigEndian`) into `out` at `at`.
 * `out` is float32 for floating dtypes and int64 for the others.
 */
export function decodeInto(dtype: FileDtype, bytes: Buffer, count: number, out: Decoded, at: number, bigEndian = false): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = !bigEndian;
  if (out instanceof Float32Array) {
    switch (dtype) {
      case 'float32':
        if (le && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count), at);
        else for (let i = 0; i < count; i++) out[at + i] = view.getFloat32(4 * i, le);
        return;
      case 'float64':
        for (let i = 0; i < count; i++) out[at + i] = view.getFloat64(8 * i, le);
        return;
      case 'float16':
        for (let i = 0; i < count; i++) out[at + i] = HALF[view.getUint16(2 * i, le)];
        return;
      case 'bfloat16': {
        // bfloat16 is the top half of a float32.
        const bits = new Uint32Array(out.buffer, out.byteOffset + 4 * at, count);
        for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, le) << 16;
        return;
      }
      default:
        throw new Error(`decodeInto: ${dtype} is not a floating dtype`);
    }
  }
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'int64': out[at + i] = view.getBigInt64(8 * i, le); break;
      case 'int32': out[at + i] = BigInt(view.getInt32(4 * i, le)); break;
      case 'int16': out[at + i] = BigInt(view.getInt16(2 * i, le)); break;
      case 'int8': out[at + i] = BigInt(view.getInt8(i)); break;
      case 'uint8': out[at + i] = BigInt(view.getUint8(i)); break;
      case 'bool': out[at + i] = view.getUint8(i) ? 1n : 0n; break;
      default: throw new Error(`decodeInto: ${dtype} is not an integer dtype`);
    }
  }
}

export function allocate(dtype: FileDtype, count: number): Decoded {
  return isFloatDtype(dtype) ? new Float32Array(count) : new BigInt64Array(count);
}
