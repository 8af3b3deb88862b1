// Runs in a worker_threads Worker: the notebook kernel, off the extension host's thread. An endless cell
// blocks only this thread. Tensor code computes synchronously on an InterruptibleEngine (see interrupt.ts): the
// host's Interrupt stops a cell at its next engine call, or terminates this worker between graphs.
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { EngineClient } from '../engine/client';
import type { FromKernel, ToKernel } from '../protocol/notebook';
import { useEngine } from '../tensor';
import { InterruptibleEngine, REQUESTED } from './interrupt';
import { KernelSession } from './session';

const port = parentPort;
if (!port) throw new Error('the kernel must run inside a worker_threads Worker');
const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js') });
const control = (workerData as { control?: Int32Array } | undefined)?.control ?? new Int32Array(new SharedArrayBuffer(8));
useEngine(new InterruptibleEngine(control, { workerPath: path.join(__dirname, 'tensor-worker.js') }));
const session = new KernelSession(engine);
let queue = Promise.resolve();

port.on('message', (m: ToKernel) => {
  // Cells run one after another, in the order they were sent.
  queue = queue.then(async () => {
    Atomics.store(control, REQUESTED, 0);
    const { outputs, ok } = await session.run(m.code, m.language, m.name);
    port.postMessage({ type: 'done', id: m.id, outputs, ok } satisfies FromKernel);
  });
});
