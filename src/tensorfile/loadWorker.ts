// Runs in a worker_threads Worker started by the notebook kernel (src/kernel/tensorFiles.ts): reads a tensor file
// (loadTensorFile) while the kernel thread waits on `done`, then answers on the request's port and wakes it.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { loadTensorFile, type LoadKind } from './load';

export interface LoadRequest {
  file: string;
  kind: LoadKind;
  port: MessagePort;
  /** Set to 1 and notified when the answer is on `port`. */
  done: Int32Array;
}

parentPort!.on('message', async ({ file, kind, port, done }: LoadRequest) => {
  try {
    port.postMessage({ value: await loadTensorFile(file, kind) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
});
