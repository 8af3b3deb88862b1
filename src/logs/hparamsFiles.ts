// Node side of the hyperparameter readers: the files frameworks write beside a log (hparams.ts parses them).
//   hparams.yaml        beside metrics.csv or event files (PyTorch Lightning's loggers)
//   training_args.json  beside trainer_state.json (TrainingArguments.to_json_string())
//   config.json         beside trainer_state.json (the model's config; keys under "model/")
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hparamsFromObject, hparamsFromYaml } from './hparams';
import type { HParams, LogFormat } from './model';
import { parseJsonLenient } from './text';

/** These files are small; a larger one is not a hyperparameter file and is left alone. */
const MAX_BYTES = 4 * 2 ** 20;

async function small(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined; // absent: this run has no such file
  }
}

function json(content: string): unknown {
  try {
    return parseJsonLenient(content);
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : error})`);
  }
}

/**
 * Hyperparameters from the files beside `logFile` (undefined when there are none). A file that exists but
 * cannot be parsed is reported through `unreadable` (the file and why) and the others still count.
 * `exists`, when the caller has listed the folder: whether a file is there (one that is not is not opened).
 */
export async function sideHparams(
  logFile: string,
  format: LogFormat,
  unreadable: (file: string, reason: string) => void = () => undefined,
  exists: (file: string) => boolean = () => true,
): Promise<HParams | undefined> {
  const dir = path.dirname(logFile);
  const found: HParams[] = [];
  const read = async (name: string, parse: (text: string) => HParams) => {
    const file = path.join(dir, name);
    if (!exists(file)) return;
    const content = await small(file);
    if (content === undefined) return;
    try {
      found.push(parse(content));
    } catch (error) {
      unreadable(file, error instanceof Error ? error.message : String(error));
    }
  };
  await read('hparams.yaml', hparamsFromYaml);
  if (format === 'trainer_state') {
    await read('training_args.json', (t) => hparamsFromObject(json(t)));
    await read('config.json', (t) => hparamsFromObject(json(t), 'model'));
  }
  return found.length ? Object.assign({}, ...found) : undefined;
}
