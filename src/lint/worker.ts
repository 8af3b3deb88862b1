// Runs in a worker_threads Worker started by the extension host: lints documents off the host's thread
// (the first request also loads the wasm parser here). A failing request is answered with its error.
import { parentPort } from 'node:worker_threads';
import type { LintReply, ToLintWorker } from '../protocol/lint';
import { IncrementalLinter } from './incremental';
import { loadPython } from './parser';

const port = parentPort;
if (!port) throw new Error('the lint worker must run inside a worker_threads Worker');
const linter = new IncrementalLinter();
const ready = loadPython();

port.on('message', async (m: ToLintWorker) => {
  if (m.type === 'forget') return linter.forget(m.key);
  const reply: LintReply = { type: 'findings', id: m.id, findings: [], ms: 0 };
  try {
    await ready;
    const t0 = performance.now();
    reply.findings = linter.lint(m.key, m.text, { select: m.select }).findings;
    reply.ms = performance.now() - t0;
  } catch (e) {
    linter.forget(m.key);
    reply.error = e instanceof Error ? e.message : String(e);
  }
  port.postMessage(reply);
});
