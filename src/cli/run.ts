// `losslab run NOTEBOOK.lossnb [--out FILE] [--timeout SECONDS]`: runs every code cell with the notebook
// kernel, outside VS Code, and writes the outputs (into --out, or back into the notebook). A cell that fails,
// or runs past the timeout, stops the run: the cells after it have their old outputs cleared, and what ran
// is still written. Exit code 1 if a cell fails.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { KernelClient } from '../kernel/client';
import { parseNotebook, serializeNotebook } from '../notebook/format';
import type { CellJson, CellOutputJson } from '../protocol/notebook';
import { fileProblem, readTextFile } from './textFile';

/** A cell may run this long unless --timeout says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

const USAGE = 'usage: losslab run NOTEBOOK.lossnb [--out FILE] [--timeout SECONDS]\n';

function errorOutput(name: string, message: string): CellOutputJson {
  return { items: [{ mime: 'application/vnd.code.notebook.error', data: { name, message, stack: `${name}: ${message}` } }] };
}

type CellRun = { outputs: CellOutputJson[]; ok: boolean };

/** The cell's result, or an error output if it runs past `seconds` (the kernel is then stopped) or the kernel dies. */
async function runCell(kernel: KernelClient, cell: CellJson, label: string, seconds: number): Promise<CellRun> {
  if (cell.language !== undefined && !['javascript', 'typescript'].includes(cell.language)) {
    return { outputs: [errorOutput('Error', `${label} is written in ${JSON.stringify(cell.language)}; Loss Lab notebooks run JavaScript and TypeScript cells only`)], ok: false };
  }
  const language = cell.language === 'typescript' ? 'typescript' : 'javascript';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CellRun>((resolve) => {
    timer = setTimeout(() => {
      void kernel.interrupt();
      resolve({ outputs: [errorOutput('TimeoutError', `${label} did not finish within ${seconds} s (--timeout); it was stopped`)], ok: false });
    }, seconds * 1000);
  });
  try {
    return await Promise.race([
      kernel.run(cell.source, language, label).catch((error: unknown): CellRun => ({
        outputs: [errorOutput('Error', `${label} could not finish: ${error instanceof Error ? error.message : String(error)}`)],
        ok: false,
      })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runCommand(args: string[]): Promise<number> {
  const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const out = valueOf('--out');
  const timeoutText = valueOf('--timeout');
  const valued = new Set(['--out', '--timeout']);
  const files = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
  const seconds = timeoutText === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutText);
  if (files.length !== 1 || (args.includes('--out') && !out) || !(seconds > 0)) {
    if (timeoutText !== undefined && !(seconds > 0)) process.stderr.write(`losslab run: --timeout must be a number of seconds above 0, got ${JSON.stringify(timeoutText)}\n`);
    process.stderr.write(USAGE);
    return 2;
  }
  const file = files[0];
  let nb;
  try {
    nb = parseNotebook(readTextFile(file));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`losslab run: ${message.includes(file) ? message : `${file}: ${message}`}\n`);
    return 1;
  }
  const kernel = new KernelClient(path.join(__dirname, 'kernel-worker.js'), path.dirname(path.resolve(file)));
  let failed = 0;
  try {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (failed) {
        cell.outputs = []; // never ran this time: its old outputs would pass for this run's
        continue;
      }
      const { outputs, ok } = await runCell(kernel, cell, `cell ${i + 1}`, seconds);
      cell.outputs = outputs;
      process.stderr.write(`cell ${i + 1}: ${ok ? 'ok' : 'FAILED'}\n`);
      if (!ok) {
        failed++;
        const error = outputs.at(-1)?.items[0]?.data as { stack?: string; message?: string } | undefined;
        process.stderr.write(`${error?.stack ?? error?.message ?? ''}\n`);
      }
    }
  } finally {
    kernel.dispose();
  }
  const target = out ?? file;
  try {
    writeFileSync(target, serializeNotebook(nb));
  } catch (error) {
    process.stderr.write(`losslab run: cannot write ${target}: ${fileProblem(error)}\n`);
    return 1;
  }
  return failed ? 1 : 0;
}
