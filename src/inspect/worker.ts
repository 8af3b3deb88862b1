// Runs in a worker_threads Worker started by the Loss Inspector: opens one tensor file, scores it on ONNX
// Runtime and posts progress and the report. On `cancel` it stops after the block being scored and says
// `cancelled`; only then may the host terminate it (terminating it during an ONNX Runtime run aborts the process).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FromInspectWorker, InspectFileMessage, InspectReport, ToInspectWorker } from '../protocol/inspect';
import { openTensorFile } from '../tensorfile/open';
import { byteLength } from '../tensorfile/tensorFile';
import { InspectCancelled, inspectTensors } from './inspect';
import { defaultSettings, missingRoles } from './roles';
import { loadTokenizer } from './tokenizer';

const port = parentPort;
if (!port) throw new Error('the inspection worker must run inside a worker_threads Worker');
const post = (m: FromInspectWorker) => port.postMessage(m);

/** Every id the report shows (strip targets and top-5, worst tokens), as text. */
function tokenTexts(report: InspectReport, token: (id: number) => string): Record<number, string> {
  const ids = new Set<number>();
  for (const id of report.strip?.target ?? []) if (id >= 0) ids.add(id);
  for (const row of report.strip?.top5 ?? []) for (const id of row) ids.add(id);
  for (const w of report.worst) [w.target, ...w.top5].forEach((id) => ids.add(id));
  return Object.fromEntries([...ids].map((id) => [id, token(id)]));
}

const cancel = new AbortController();

port.on('message', (message: ToInspectWorker) => {
  if (message.type === 'cancel') cancel.abort();
  else void inspect(message);
});

async function inspect(message: InspectFileMessage): Promise<void> {
  try {
    const file = await openTensorFile(message.file);
    try {
      const tensors = file.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: byteLength(e) }));
      const settings = message.settings ?? defaultSettings(tensors);
      post({ type: 'opened', tensors, settings });
      if (!settings) throw new Error(`${path.basename(message.file)}: ${missingRoles(tensors)}. Choose the logits and the labels above if they are there under other names.`);
      let last = 0;
      const report = await inspectTensors(file, settings, {
        strip: true,
        signal: cancel.signal,
        onProgress: (fraction) => {
          if (fraction - last >= 0.02 || fraction === 1) post({ type: 'progress', fraction: (last = fraction) });
        },
      });
      const tokenizerPath = message.tokenizer ?? [path.join(path.dirname(message.file), 'tokenizer.json')].find(existsSync);
      let tokenText: Record<number, string> | undefined;
      let tokenizerError: string | undefined;
      try {
        tokenText = tokenizerPath ? tokenTexts(report, loadTokenizer(tokenizerPath).token) : undefined;
      } catch (error) {
        tokenizerError = error instanceof Error ? error.message : String(error); // ids stay numbers; the statistics stand
      }
      post({ type: 'report', report, tokenText, tokenizer: tokenText ? tokenizerPath : undefined, tokenizerError });
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof InspectCancelled) post({ type: 'cancelled' });
    else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
