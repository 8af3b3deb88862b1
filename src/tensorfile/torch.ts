// PyTorch .pt / .pth files written by torch.save (the zip format since PyTorch 1.6): <archive>/data.pkl
// describes the object, <archive>/data/<key> holds each storage's raw little-endian bytes.
import type { FileDtype } from './dtypes';
import { PickleError, StorageRef, TensorRef, unpickle } from './pickle';
import { byteLength, fileError, numel, type FileSource, type TensorEntry } from './tensorFile';
import { memberBytes, zipMembers, type ZipMember } from './zip';

const STORAGE_DTYPES: Record<string, FileDtype> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};

/** A tensor's place in the object torch.save wrote. */
export class SavedTensor {
  constructor(readonly entry: TensorEntry) {}
}

/** The object torch.save wrote, with a SavedTensor where each tensor was (dicts as Maps, lists and tuples as arrays). */
export async function torchObject(source: FileSource): Promise<unknown> {
  const members = await zipMembers(source);
  const pkl = [...members.values()].find((m) => /(^|\/)data\.pkl$/.test(m.name));
  if (!pkl) fileError(source.path, `no data.pkl in the archive (members: ${[...members.keys()].slice(0, 5).join(', ')}); is this a torch.save file?`);
  const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  let root: unknown;
  try {
    root = unpickle(memberBytes(source, pkl));
  } catch (error) {
    if (error instanceof PickleError) fileError(source.path, error.message, pkl.name);
    throw error;
  }
  const rebuild = (value: unknown, name: string): unknown => {
    if (value instanceof TensorRef) return new SavedTensor(tensorEntry(source, members, prefix, value, name || 'tensor'));
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, rebuild(v, name ? `${name}.${String(k)}` : String(k))]));
    if (Array.isArray(value)) return value.map((v, i) => rebuild(v, name ? `${name}.${i}` : String(i)));
    return value;
  };
  return rebuild(root, '');
}

/** Every tensor of a torch.save file, named by its path in the object ('model.0.weight', 'labels'). */
export async function torchEntries(source: FileSource): Promise<TensorEntry[]> {
  const entries: TensorEntry[] = [];
  const visit = (value: unknown) => {
    if (value instanceof Map) for (const v of value.values()) visit(v);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value instanceof SavedTensor) entries.push(value.entry);
  };
  visit(await torchObject(source));
  return entries;
}

function tensorEntry(source: FileSource, members: Map<string, ZipMember>, prefix: string, t: TensorRef, name: string): TensorEntry {
  const s: StorageRef = t.storage;
  const dtype = STORAGE_DTYPES[s.storageType] ?? fileError(source.path, `unsupported storage type ${s.storageType}`, name);
  const memberName = `${prefix}data/${s.key}`;
  const member = members.get(memberName) ?? fileError(source.path, `its storage ${memberName} is missing from the archive`, name);
  if (member.deflated) fileError(source.path, `its storage ${memberName} is compressed; torch.save stores storages uncompressed`, name);
  const contiguous = t.shape.map((_, i) => numel(t.shape.slice(i + 1)));
  if (numel(t.shape) > 1 && t.shape.some((d, i) => d > 1 && t.stride[i] !== contiguous[i])) {
    fileError(source.path, `is a non-contiguous view (stride ${JSON.stringify(t.stride)} for shape ${JSON.stringify(t.shape)}); save tensor.contiguous() instead`, name);
  }
  const entry: TensorEntry = { name, dtype, shape: t.shape, offset: member.dataStart + t.storageOffset * (byteLength({ dtype, shape: [1] })) };
  if (t.storageOffset * byteLength({ dtype, shape: [1] }) + byteLength(entry) > member.compressedSize) {
    fileError(source.path, `truncated: ${dtype} ${JSON.stringify(t.shape)} at element ${t.storageOffset} needs more than the ${member.compressedSize} bytes of ${memberName}`, name);
  }
  return entry;
}
