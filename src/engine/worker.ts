// Runs in a worker_threads Worker: the only caller of ONNX Runtime's session.run. Answers each
// EvaluateMessage with a ResultMessage (tensor buffers transferred) or an ErrorMessage; a bad request
// never ends the worker.
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineWorkerData, FromEngineWorker, ToEngineWorker } from '../protocol/engine';
import { evaluate } from './evaluate';
import { setMemoryBudget } from './tensors';
import { resultBuffers } from './transfer';

const port = parentPort;
if (!port) throw new Error('engine worker must run inside a worker_threads Worker');
const settings = workerData as EngineWorkerData | undefined;
if (settings?.memoryBudgetBytes) setMemoryBudget(settings.memoryBudgetBytes);

port.on('message', async (message: ToEngineWorker) => {
  let reply: FromEngineWorker;
  try {
    reply = { type: 'result', id: message.id, result: await evaluate(message.request) };
  } catch (error) {
    reply = { type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.type === 'result' ? resultBuffers(reply.result) : []);
});
