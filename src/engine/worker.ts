// Runs in a worker_threads Worker: the only caller of ONNX Runtime's session.run. Answers each
// EvaluateMessage with a ResultMessage (tensor buffers transferred) or an ErrorMessage; a bad request
// never ends the worker.
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineWorkerData, FromEngineWorker, ToEngineWorker } from '../protocol/engine';
import { evaluate } from './evaluate';
import { useRunGate } from './runtime/runGate';
import { setMemoryBudget } from './tensors';
import { resultBuffers } from './transfer';
import { TrainingRun } from './training/run';
import type { StartTrainingMessage } from '../protocol/training';

const port = parentPort;
if (!port) throw new Error('engine worker must run inside a worker_threads Worker');
const settings = workerData as EngineWorkerData | undefined;
if (settings?.memoryBudgetBytes) setMemoryBudget(settings.memoryBudgetBytes);
useRunGate(settings?.gate);

async function train(message: StartTrainingMessage): Promise<void> {
  const post = (m: FromEngineWorker) => port!.postMessage(m);
  try {
    const run = new TrainingRun(message.config, (batch) => post({ type: 'metrics', id: message.id, batch }), new Int32Array(message.control));
    const { reason, stepsPerSecond } = await run.run();
    post({ type: 'trainingDone', id: message.id, reason, stepsPerSecond });
  } catch (error) {
    post({ type: 'trainingDone', id: message.id, reason: 'failed', message: error instanceof Error ? error.message : String(error), stepsPerSecond: 0 });
  }
}

port.on('message', async (message: ToEngineWorker) => {
  if (message.type === 'train') return train(message);
  let reply: FromEngineWorker;
  try {
    // The request arrived in a message: its ArrayBuffers (transferred or copied) are this worker's alone; its
    // SharedArrayBuffers are still the sender's, and evaluate copies those.
    reply = { type: 'result', id: message.id, result: await evaluate(message.request, true) };
  } catch (error) {
    reply = { type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.type === 'result' ? resultBuffers(reply.result) : []);
});
