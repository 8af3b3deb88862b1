// The Loss Inspector's worker (dist/inspect-worker.js, as the extension starts it) cancelled while ONNX Runtime
// scores a block: it finishes that block, answers `cancelled` instead of a report, and can then be terminated.
// (Terminating it in the middle of an ONNX Runtime run aborts the whole process, the extension host included.)
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromInspectWorker, ToInspectWorker } from '../../src/protocol/inspect';
import { writeSafetensors } from '../../src/tensorfile/safetensors';

const WORKER = path.resolve(__dirname, '../../dist/inspect-worker.js');
// 8 blocks of 83 rows (a block holds 4M logits).
const [N, V] = [664, 50257];

function* rows(): Generator<Float32Array> {
  const row = new Float32Array(V);
  for (let i = 0; i < N; i++) {
    for (let v = 0; v < V; v++) row[v] = Math.sin((i * V + v) * 0.37) * 4;
    yield row;
  }
}

describe('Loss Inspector worker: cancel', () => {
  let dir: string;
  let file: string;
  before(() => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first (npm test does)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-inspect-worker-'));
    file = path.join(dir, 'batch.safetensors');
    writeSafetensors(file, {
      logits: { dtype: 'float32', shape: [N, V], chunks: rows() },
      labels: { dtype: 'int64', shape: [N], chunks: [BigInt64Array.from({ length: N }, (_, i) => BigInt((i * 7919) % V))] },
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('cancelled after its first block (the next one in flight) it answers "cancelled", posts no report, and terminates cleanly', async () => {
    const worker = new Worker(WORKER);
    const seen: FromInspectWorker[] = [];
    const last = await new Promise<FromInspectWorker>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m: FromInspectWorker) => {
        seen.push(m);
        if (m.type === 'progress' && seen.filter((s) => s.type === 'progress').length === 1) worker.postMessage({ type: 'cancel' } satisfies ToInspectWorker);
        if (m.type === 'cancelled' || m.type === 'report' || m.type === 'error') resolve(m);
      });
      worker.postMessage({ type: 'inspect', file } satisfies ToInspectWorker);
    });
    assert.equal(last.type, 'cancelled', JSON.stringify(last).slice(0, 200));
    const fractions = seen.flatMap((m) => (m.type === 'progress' ? [m.fraction] : []));
    assert.ok(fractions.length >= 1 && fractions.every((f) => f < 1), `progress ${fractions.join(', ')}`);
    assert.equal(await worker.terminate(), 1);
  });
});
