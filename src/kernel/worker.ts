// Runs in a worker_threads Worker: the notebook kernel, off the extension host's thread. An endless cell
// blocks only this thread. Tensor code computes synchronously on an InterruptibleEngine (see interrupt.ts): the
// host's Interrupt stops a cell at its next engine call, or terminates this worker between graphs. Nothing a cell
// does ends the kernel: a throw in a timer, an unhandled rejection, process.exit(), an output that cannot be sent:
// each becomes an error on the cell that caused it.
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { EngineClient } from '../engine/client';
import type { CellOutputJson, FromKernel, ToKernel } from '../protocol/notebook';
import { awaitEngine, useEngine } from '../tensor';
import { gateOf, InterruptibleEngine, newControl, REQUESTED } from './interrupt';
import { KernelSession } from './session';
import { thrownValue } from './thrown';

const port = parentPort;
if (!port) throw new Error('the kernel must run inside a worker_threads Worker');
const data = workerData as { control?: Int32Array; folder?: string } | undefined;
const control = data?.control ?? newControl();
const engine = new EngineClient({ workerPath: path.join(__dirname, 'engine-worker.js'), gate: gateOf(control) });
useEngine(new InterruptibleEngine(control, { workerPath: path.join(__dirname, 'tensor-worker.js') }));
const session = new KernelSession(engine, data?.folder, () => Atomics.load(control, REQUESTED) === 1);
let queue = Promise.resolve();

/** Errors that surfaced outside a cell's own flow (timers, unawaited promises) while it ran. */
let stray: { how: string; error: unknown }[] = [];
process.on('uncaughtException', (error) => stray.push({ how: 'thrown in a callback (a timer or an event)', error }));
process.on('unhandledRejection', (error) => stray.push({ how: 'a promise rejected and nobody awaited it', error }));
process.exit = ((code?: number) => {
  throw new Error(`process.exit(${code ?? ''}) is not available in a notebook cell: the kernel keeps running`);
}) as typeof process.exit;

function errorOutput(name: string, message: string, stack?: string): CellOutputJson {
  return { items: [{ mime: 'application/vnd.code.notebook.error', data: { name, message, stack: stack ?? `${name}: ${message}` } }] };
}

async function runCell(m: ToKernel): Promise<{ outputs: CellOutputJson[]; ok: boolean }> {
  let result: { outputs: CellOutputJson[]; ok: boolean };
  try {
    result = await session.run(m.code, m.language, m.name);
  } catch (error) {
    const e = thrownValue(error);
    result = { outputs: [errorOutput(e.name, e.message, e.stack)], ok: false };
  }
  try {
    awaitEngine(); // the cell's last backward may still be computing: its failure is this cell's
  } catch (error) {
    const e = thrownValue(error);
    if (result.ok) result = { outputs: [...result.outputs, errorOutput(e.name, e.message, e.stack)], ok: false };
  }
  // Let rejections noticed at the end of this turn and timers already due report on this cell.
  await new Promise((resolve) => setImmediate(resolve));
  if (stray.length) {
    const [{ how, error }] = stray;
    const e = thrownValue(error);
    stray = [];
    if (result.ok) result = { outputs: [...result.outputs, errorOutput(e.name, `${e.message} (${how} in ${m.name})`, e.stack)], ok: false };
  }
  return result;
}

port.on('message', (m: ToKernel) => {
  // Cells run one after another, in the order they were sent.
  queue = queue.then(async () => {
    Atomics.store(control, REQUESTED, 0);
    const { outputs, ok } = await runCell(m);
    try {
      port.postMessage({ type: 'done', id: m.id, outputs, ok } satisfies FromKernel);
    } catch (error) {
      // An output holding a function or a symbol cannot cross to the host.
      const why = `an output of ${m.name} holds a value that cannot be shown (a function, a symbol or a class instance)`;
      void error;
      port.postMessage({ type: 'done', id: m.id, outputs: [...outputs.filter(isCloneable), errorOutput('TypeError', why)], ok: false } satisfies FromKernel);
    }
  });
});

function isCloneable(output: CellOutputJson): boolean {
  try {
    structuredClone(output);
    return true;
  } catch {
    return false;
  }
}
