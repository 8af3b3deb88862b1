// Runs in a worker_threads Worker started by the engine worker: the second thread of the row-chunked
// cross_entropy. Scores the chunks it claims from each RowsJobMessage and answers with a RowsDoneMessage.
import { parentPort, workerData } from 'node:worker_threads';
import type { RowsDoneMessage, RowsJobMessage } from '../protocol/engine';
import { scoreSharedChunks } from './plans/crossEntropyChunks';
import { useRunGate } from './runtime/runGate';

const port = parentPort;
if (!port) throw new Error('the rows thread must run inside a worker_threads Worker');
useRunGate((workerData as { gate?: Int32Array } | undefined)?.gate);

port.on('message', async (job: RowsJobMessage) => {
  let reply: RowsDoneMessage = { type: 'rowsDone' };
  try {
    await scoreSharedChunks(job);
  } catch (error) {
    reply = { type: 'rowsDone', error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
