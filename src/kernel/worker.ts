// Runs in a worker_threads Worker: the notebook kernel, off the extension host's thread. An endless cell
// blocks only this thread; the host interrupts it by terminating the worker.
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { EngineClient } from '../engine/client';
import type { FromKernel, ToKernel } from '../protocol/notebook';
import { KernelSession } from './session';

const port = parentPort;
if (!port) throw new Error('the kernel must run inside a worker_threads Worker');
const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js') });
const session = new KernelSession(engine);
let queue = Promise.resolve();

port.on('message', (m: ToKernel) => {
  // Cells run one after another, in the order they were sent.
  queue = queue.then(async () => {
    const { outputs, ok } = await session.run(m.code, m.language, m.name);
    port.postMessage({ type: 'done', id: m.id, outputs, ok } satisfies FromKernel);
  });
});
