// A restricted unpickler for the data.pkl of torch.save archives. It interprets the pickle opcodes that build
// dicts, lists, tuples, strings, numbers and tensors, and NEVER calls anything a file names: the only globals
// it accepts are the tensor-rebuilding functions and storage types of PyTorch (and OrderedDict), replaced by
// inert stand-ins. Any other global (os.system, builtins.eval, …) is refused by name before anything happens.

/** A tensor as the pickle describes it: which storage, the element offset into it, size and stride. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/** A storage named by a persistent id ('storage', <dtype storage class>, key, location, numel). */
export class StorageRef {
  constructor(
    readonly storageType: string,
    readonly key: string,
    readonly numel: number,
  ) {}
}

class Global {
  constructor(readonly qualified: string) {}
}

const MARK = Symbol('mark');

export const STORAGE_TYPES = ['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage', 'LongStorage', 'IntStorage', 'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage'];
const ALLOWED = new Set([
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter',
  'collections.OrderedDict',
  ...STORAGE_TYPES.map((s) => `torch.${s}`),
]);

export class PickleError extends Error {}

function isStorageType(v: unknown): v is Global {
  return v instanceof Global && STORAGE_TYPES.some((s) => v.qualified === `torch.${s}`);
}

function call(fn: Global, args: unknown[]): unknown {
  switch (fn.qualified) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof StorageRef) || typeof offset !== 'number' || !Array.isArray(size) || !Array.isArray(stride)) {
        throw new PickleError(`${fn.qualified} called with unexpected arguments`);
      }
      return new TensorRef(storage, offset, size as number[], stride as number[]);
    }
    case 'torch._utils._rebuild_parameter':
      if (!(args[0] instanceof TensorRef)) throw new PickleError('torch._utils._rebuild_parameter without a tensor');
      return args[0];
    default:
      throw new PickleError(`${fn.qualified} cannot be called`);
  }
}

/** Reads a pickle (protocols 2–5) into plain values: Map for dicts, arrays for lists and tuples, TensorRef. */
export function unpickle(data: Buffer): unknown {
  let pos = 0;
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const need = (n: number) => {
    if (pos + n > data.length) throw new PickleError(`truncated pickle at byte ${pos}`);
    const at = pos;
    pos += n;
    return at;
  };
  const pop = () => {
    if (stack.length === 0) throw new PickleError(`corrupt pickle: empty stack at byte ${pos}`);
    return stack.pop();
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError(`corrupt pickle: no mark at byte ${pos}`);
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = () => stack[stack.length - 1];
  const str = (n: number) => data.toString('utf8', need(n), pos);
  const global = (module: string, name: string) => {
    const qualified = `${module}.${name}`;
    if (!ALLOWED.has(qualified)) {
      throw new PickleError(`refused global '${qualified}': the pickle would call it, and Loss Lab never runs code from a file (only tensors, dicts, lists, tuples and plain values are read)`);
    }
    stack.push(new Global(qualified));
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new PickleError('corrupt pickle: SETITEMS on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  for (;;) {
    const op = data[need(1)];
    switch (op) {
      case 0x80: need(1); break; // PROTO
      case 0x95: need(8); break; // FRAME
      case 0x2e: return pop(); // STOP
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(data[need(1)]); break; // BININT1
      case 0x4d: stack.push(data.readUInt16LE(need(2))); break; // BININT2
      case 0x4a: stack.push(data.readInt32LE(need(4))); break; // BININT
      case 0x8a: { // LONG1
        const n = data[need(1)];
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i]);
        if (n > 0 && data[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push(data.readDoubleBE(need(8))); break; // BINFLOAT
      case 0x58: stack.push(str(data.readUInt32LE(need(4)))); break; // BINUNICODE
      case 0x8c: stack.push(str(data[need(1)])); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(Number(data.readBigUInt64LE(need(8))))); break; // BINUNICODE8
      case 0x55: { const n = data[need(1)]; stack.push(data.toString('latin1', need(n), pos)); break; } // SHORT_BINSTRING
      case 0x54: { const n = data.readUInt32LE(need(4)); stack.push(data.toString('latin1', need(n), pos)); break; } // BINSTRING
      case 0x43: { const n = data[need(1)]; stack.push(Buffer.from(data.subarray(need(n), pos))); break; } // SHORT_BINBYTES
      case 0x42: { const n = data.readUInt32LE(need(4)); stack.push(Buffer.from(data.subarray(need(n), pos))); break; } // BINBYTES
      case 0x71: memo.set(data[need(1)], top()); break; // BINPUT
      case 0x72: memo.set(data.readUInt32LE(need(4)), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(memo, data[need(1)])); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, data.readUInt32LE(need(4)))); break; // LONG_BINGET
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x61: { const v = pop(); (top() as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (top() as unknown[]).push(...items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x63: { // GLOBAL "module\nname\n"
        const end1 = data.indexOf(0x0a, pos);
        const end2 = data.indexOf(0x0a, end1 + 1);
        if (end1 < 0 || end2 < 0) throw new PickleError('truncated GLOBAL');
        const module = data.toString('utf8', pos, end1);
        const name = data.toString('utf8', end1 + 1, end2);
        pos = end2 + 1;
        global(module, name);
        break;
      }
      case 0x93: { const name = pop(); global(String(pop()), String(name)); break; } // STACK_GLOBAL
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!(fn instanceof Global) || !Array.isArray(args)) throw new PickleError('corrupt pickle: REDUCE without a callable');
        stack.push(call(fn, args));
        break;
      }
      case 0x62: pop(); break; // BUILD: state of an OrderedDict / parameter, not needed
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!Array.isArray(pid) || pid[0] !== 'storage' || !isStorageType(pid[1])) throw new PickleError(`unsupported persistent id ${JSON.stringify(Array.isArray(pid) ? pid[0] : pid)}`);
        stack.push(new StorageRef((pid[1] as Global).qualified.slice('torch.'.length), String(pid[2]), Number(pid[4])));
        break;
      }
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

function memoGet(memo: Map<number, unknown>, key: number): unknown {
  if (!memo.has(key)) throw new PickleError(`corrupt pickle: memo ${key} is not set`);
  return memo.get(key);
}
