// Reading the CLI's input files: only regular files, UTF-8 (with or without a BOM) or UTF-16 with its BOM,
// and JSON errors that say where; every message names the file.
import { readFileSync, statSync } from 'node:fs';

/** Larger inputs are refused rather than read into one string. */
const MAX_BYTES = 256 * 2 ** 20;

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  ENOTDIR: 'a part of the path is not a folder',
};

/** A file system error in words, e.g. "no such file" for ENOENT. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  return (code && ERRNO[code]) ?? (error instanceof Error ? error.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : String(error));
}

/** Text of a file given by a user, decoded by its BOM (UTF-8 or UTF-16 LE/BE; UTF-8 without one). */
export function readTextFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new Error(`${file} is a folder, not a file`);
    if (!st.isFile()) throw new Error(`${file} is not a regular file (a pipe, socket or device)`);
    size = st.size;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(file)) throw error;
    throw new Error(`cannot read ${file}: ${fileProblem(error)}`);
  }
  if (size > MAX_BYTES) throw new Error(`${file} is ${(size / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_BYTES / 2 ** 20} MiB this command reads`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${fileProblem(error)}`);
  }
  return decodeText(bytes);
}

export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON.parse with an error naming the file and the line and column of the problem. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const token = /Unexpected token '(.+?)'/.exec(error instanceof Error ? error.message : '');
    if (!at) throw new Error(`${file} is not valid JSON: ${text.trim() === '' ? 'the file is empty' : token ? `unexpected ${JSON.stringify(token[1])}` : 'it ends before the JSON does'}`);
    const pos = Number(at[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    throw new Error(`${file} is not valid JSON: unexpected ${JSON.stringify(text.charAt(pos))} at line ${line}, column ${column}`);
  }
}
