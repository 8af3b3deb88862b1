// NumPy .npy (format 1.0–3.0: magic, version, header length, a Python-literal dict {'descr', 'fortran_order',
// 'shape'}, then the data) and .npz (a zip of .npy members, stored or deflated).
import type { FileDtype } from './dtypes';
import { byteLength, fileError, type FileSource, type TensorEntry } from './tensorFile';
import { memberBytes, zipMembers } from './zip';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const KINDS: Record<string, FileDtype> = {
  f4: 'float32', f2: 'float16', f8: 'float64', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
};

/** Parses an .npy header at the start of `head` (which holds at least the first 12 bytes); returns the entry at `base`. */
function npyHeader(file: string, name: string, read: (position: number, length: number) => Buffer, base: number, available: number): TensorEntry {
  if (available < 10) fileError(file, `truncated: ${available} bytes, an .npy array starts with a 10-byte preamble`, name);
  const pre = read(0, 12 <= available ? 12 : 10);
  if (!pre.subarray(0, 6).equals(MAGIC)) fileError(file, 'not an .npy array (the magic string \\x93NUMPY is missing)', name);
  const major = pre[6];
  if (major < 1 || major > 3) fileError(file, `unsupported .npy format version ${major}.${pre[7]} (1.0–3.0 are read)`, name);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > available) fileError(file, `truncated: the header says ${headerLength} bytes, the array has ${available}`, name);
  const text = read(8 + lengthBytes, headerLength).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shapeText) fileError(file, `unreadable .npy header ${JSON.stringify(text.trim())}`, name);
  const dtype = KINDS[descr[2]] ?? fileError(file, `unsupported dtype '${descr[1]}${descr[2]}'; read: ${Object.keys(KINDS).join(', ')}`, name);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fileError(file, `invalid shape (${shapeText[1]})`, name);
  const entry: TensorEntry = { name, dtype, shape, offset: base + dataOffset, bigEndian: descr[1] === '>', fortran: fortran[1] === 'True' && shape.length > 1 };
  if (dataOffset + byteLength(entry) > available) {
    fileError(file, `truncated: ${dtype} ${JSON.stringify(shape)} needs ${byteLength(entry)} bytes of data, ${available - dataOffset} are there`, name);
  }
  return entry;
}

export function npyEntries(source: FileSource, name = 'array'): TensorEntry[] {
  return [npyHeader(source.path, name, (p, n) => source.read(p, n), 0, source.size)];
}

export async function npzEntries(source: FileSource): Promise<TensorEntry[]> {
  const entries: TensorEntry[] = [];
  for (const m of (await zipMembers(source)).values()) {
    const name = m.name.replace(/\.npy$/, '');
    if (!m.deflated) {
      entries.push(npyHeader(source.path, name, (p, n) => source.read(m.dataStart + p, n, name), m.dataStart, m.compressedSize));
      continue;
    }
    // A deflated member is inflated once to read its header, and again (then dropped) when its data is read.
    const bytes = memberBytes(source, m);
    const entry = npyHeader(source.path, name, (p, n) => bytes.subarray(p, p + n), 0, bytes.length);
    const dataOffset = entry.offset;
    entries.push({ ...entry, offset: 0, inflate: () => memberBytes(source, m).subarray(dataOffset) });
  }
  return entries;
}
