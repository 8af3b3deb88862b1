// Tensor files written by PyTorch (torch.save), NumPy (save, savez, savez_compressed, format 1.0–3.0, big-endian,
// Fortran order) and the safetensors layout: read back exactly, and every refusal names the file and the entry.
// Fixtures: scripts/fixtures/tensorfiles.py (run with torch + numpy).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openTensorFile, type TensorFile } from '../../src/tensorfile/open';
import { PickleError, unpickle } from '../../src/tensorfile/pickle';
import { encodeSafetensors } from '../../src/tensorfile/safetensors';

const FIXTURES = path.resolve(__dirname, '../fixtures/tensorfiles');
const fixture = (name: string) => path.join(FIXTURES, name);
const list = (a: ArrayLike<number | bigint>): (number | bigint)[] => Array.from(a);

async function withFile<T>(file: string, use: (f: TensorFile) => T): Promise<T> {
  const f = await openTensorFile(file);
  try {
    return use(f);
  } finally {
    f.close();
  }
}

const summary = (f: TensorFile) => f.entries.map((e) => `${e.name}:${e.dtype}[${e.shape.join(',')}]`).join(' ');

async function rejects(file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    async () => {
      const f = await openTensorFile(file);
      try {
        for (const e of f.entries) f.whole(e);
      } finally {
        f.close();
      }
    },
    (error: Error) => {
      assert.equal(error.name, 'TensorFileError', `${error.name}: ${error.message}`);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('tensor files', () => {
  let logits: Float32Array;
  let labels: BigInt64Array;
  before(async () => {
    logits = await withFile(fixture('logits.npy'), (f) => f.whole(f.entries[0]) as Float32Array);
    labels = await withFile(fixture('batch.pt'), (f) => f.whole(f.entry('labels')) as BigInt64Array);
  });

  it('reads torch.save dicts, nested containers, parameters and a bare tensor', async () => {
    assert.equal(await withFile(fixture('batch.pt'), summary), 'logits:float32[3,6,11] labels:int64[3,6] attention_mask:int64[3,6]');
    assert.deepEqual(await withFile(fixture('batch.pt'), (f) => list(f.whole(f.entry('logits')))), list(logits));
    assert.equal(labels[0], -100n);
    assert.equal(await withFile(fixture('nested.pt'), summary), 'outputs.logits:float32[3,6,11] pair.0:int64[3,6] pair.1:float32[11]');
    assert.deepEqual(await withFile(fixture('nested.pt'), (f) => list(f.whole(f.entry('pair.1')))), list(logits.subarray(0, 11)));
    assert.deepEqual(await withFile(fixture('bare.pt'), (f) => list(f.whole(f.entry('tensor')))), list(logits.subarray(66, 132)));
  });

  it('widens float16 and bfloat16 exactly (torch.save and safetensors agree bit for bit)', async () => {
    const bf16 = await withFile(fixture('batch_bf16.pt'), (f) => f.whole(f.entry('logits')) as Float32Array);
    assert.deepEqual(list(await withFile(fixture('batch_bf16.safetensors'), (f) => f.whole(f.entry('logits')))), list(bf16));
    const f16 = await withFile(fixture('batch_f16.pt'), (f) => f.whole(f.entry('logits')) as Float32Array);
    assert.deepEqual(list(await withFile(fixture('batch_f16.safetensors'), (f) => f.whole(f.entry('lm_logits')))), list(f16));
    assert.deepEqual(list(await withFile(fixture('logits_f16.npy'), (f) => f.whole(f.entries[0]))), list(f16));
    logits.forEach((v, i) => {
      assert.ok(Math.abs(bf16[i] - v) <= Math.abs(v) * 2 ** -8, `bf16 [${i}] ${bf16[i]} vs ${v}`);
      assert.ok(Math.abs(f16[i] - v) <= Math.abs(v) * 2 ** -11 + 2 ** -24, `f16 [${i}] ${f16[i]} vs ${v}`);
      // bfloat16 is the float32 with its low 16 bits rounded away: the widened value keeps them zero.
      assert.equal(new Uint32Array(Float32Array.of(bf16[i]).buffer)[0] & 0xffff, 0);
    });
  });

  it('reads .npy of format 1.0, 2.0 and 3.0, big-endian and Fortran order, and .npz stored and deflated', async () => {
    for (const name of ['logits_be.npy', 'logits_fortran.npy', 'logits_v2.npy']) {
      assert.deepEqual(list(await withFile(fixture(name), (f) => f.whole(f.entries[0]))), list(logits), name);
    }
    assert.deepEqual(await withFile(fixture('labels_v3.npy'), (f) => list(f.whole(f.entries[0]))), list(labels));
    assert.equal(await withFile(fixture('batch.npz'), summary), 'logits:float32[3,6,11] labels:int64[3,6]');
    assert.equal(await withFile(fixture('batch_compressed.npz'), summary), 'logits:float32[3,6,11] labels:int32[3,6] loss_mask:bool[3,6]');
    assert.deepEqual(list(await withFile(fixture('batch_compressed.npz'), (f) => f.whole(f.entry('logits')))), list(logits));
    assert.deepEqual(await withFile(fixture('batch_compressed.npz'), (f) => list(f.rows(f.entry('labels'), 1, 2))), list(labels.subarray(6, 18)));
  });

  it('reads row ranges by positioned reads', async () => {
    await withFile(fixture('batch.safetensors'), (f) => {
      const flat = { ...f.entry('logits'), shape: [18, 11] };
      assert.deepEqual(list(f.rows(flat, 5, 3)), list(logits.subarray(55, 88)));
      assert.throws(() => f.rows(flat, 17, 2), /rows 17\.\.19 of 'logits'/);
    });
  });

  it('never runs a pickle: an os.system global is refused by name, in a torch.save file and in a bare pickle', async () => {
    await rejects(fixture('evil.pt'), /evil\.pt: 'evil\/data\.pkl': refused global '(posix|os)\.system'.*never runs code/);
    // protocol 2: GLOBAL os.system, ('echo hi',), REDUCE, STOP
    const pickle = Buffer.concat([Buffer.from([0x80, 2]), Buffer.from('cos\nsystem\n'), Buffer.from([0x58, 7, 0, 0, 0]), Buffer.from('echo hi'), Buffer.from([0x85, 0x52, 0x2e])]);
    assert.throws(() => unpickle(pickle), (e: Error) => e instanceof PickleError && /refused global 'os\.system'/.test(e.message));
    const builtins = Buffer.concat([Buffer.from([0x80, 2]), Buffer.from('c__builtin__\neval\n'), Buffer.from([0x2e])]);
    assert.throws(() => unpickle(builtins), /refused global '__builtin__\.eval'/);
  });

  describe('corrupt files', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-corrupt-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, bytes: Buffer) => {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      return file;
    };
    const safetensors = (header: object, data = Buffer.alloc(0)) => {
      const json = Buffer.from(JSON.stringify(header));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([length, json, data]);
    };

    it('safetensors: truncated data, lying header length, bad JSON, unknown dtype, wrong sizes, overlaps', async () => {
      const good = readFileSync(fixture('batch.safetensors'));
      await rejects(write('cut.safetensors', good.subarray(0, good.length - 10)), /cut\.safetensors: 'attention_mask': truncated/);
      const lying = Buffer.from(good);
      lying.writeBigUInt64LE(10n ** 12n);
      await rejects(write('lying.safetensors', lying), /lying\.safetensors: header length 1000000000000 does not fit/);
      await rejects(write('json.safetensors', Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":')])), /json\.safetensors: header is not valid JSON/);
      await rejects(write('dtype.safetensors', safetensors({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, Buffer.alloc(1))), /dtype\.safetensors: 'x': unknown dtype "F8_E4M3"/);
      await rejects(write('size.safetensors', safetensors({ x: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, Buffer.alloc(24))), /'x': data_offsets \[0, 20\] hold 20 bytes, but F32 \[2,3\] needs 24/);
      await rejects(
        write('overlap.safetensors', safetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, Buffer.alloc(12))),
        /overlap\.safetensors: 'b': overlaps 'a'/,
      );
      await rejects(write('tiny.safetensors', Buffer.alloc(3)), /tiny\.safetensors: truncated: 3 bytes/);
    });

    it('npy / npz: bad magic, truncated data, unsupported dtype, a corrupt zip', async () => {
      const good = readFileSync(fixture('logits.npy'));
      await rejects(write('magic.npy', Buffer.concat([Buffer.from('NOTNPY'), good.subarray(6)])), /magic\.npy: 'magic': not an \.npy array/);
      await rejects(write('cut.npy', good.subarray(0, good.length - 4)), /cut\.npy: 'cut': truncated: float32 \[3,6,11\] needs 792 bytes of data, 788 are there/);
      await rejects(write('complex.npy', Buffer.from(good.toString('latin1').replace("'<f4'", "'<c8'"), 'latin1')), /complex\.npy: 'complex': unsupported dtype '<c8'/);
      const npz = readFileSync(fixture('batch.npz'));
      await rejects(write('cut.npz', npz.subarray(0, npz.length / 2)), /cut\.npz: (not a readable|corrupt) zip archive/);
    });

    it('torch.save: a missing storage member, a truncated archive, a file that is not a torch.save archive', async () => {
      const good = readFileSync(fixture('batch.pt'));
      // Renaming the member batch/data/1 (in its local and central headers) leaves the labels without storage.
      const renamed = Buffer.from(good.toString('latin1').split('batch/data/1').join('batch/data/9'), 'latin1');
      await rejects(write('missing.pt', renamed), /missing\.pt: 'labels': its storage batch\/data\/1 is missing from the archive/);
      await rejects(write('cut.pt', good.subarray(0, 1000)), /cut\.pt: (not a readable|corrupt) zip archive/);
      await rejects(write('other.pt', readFileSync(fixture('batch.npz'))), /other\.pt: no data\.pkl in the archive/);
      await rejects(write('data.txt', Buffer.from('x')), /data\.txt: unknown tensor file type '\.txt'/);
    });
  });

  it('our safetensors writer round-trips float32 and int64 (the large-file tests build on it)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-st-'));
    try {
      const file = path.join(dir, 'w.safetensors');
      writeFileSync(file, Buffer.concat(encodeSafetensors({ logits: { dtype: 'float32', shape: [18, 11], data: logits }, labels: { dtype: 'int64', shape: [18], data: labels } })));
      assert.equal(await withFile(file, summary), 'logits:float32[18,11] labels:int64[18]');
      assert.deepEqual(list(await withFile(file, (f) => f.whole(f.entry('logits')))), list(logits));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
