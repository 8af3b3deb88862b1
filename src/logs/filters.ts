// Regex filters for run names and tags, as typed in the log view's filter boxes and `losslab plot --runs/--tags`:
// alternatives separated by a top-level `|` (as in any regex); an alternative starting with `!` excludes what
// it matches. Case-insensitive, matched anywhere in the name (like TensorBoard's run and tag filters).
//   "loss|acc"        names containing loss or acc
//   "!eval"           everything except names containing eval
//   "loss|!eval"      names containing loss, except those containing eval
// Pure; no node, no DOM.

export interface NameFilter {
  /** The text as typed (empty: everything passes). */
  text: string;
  test(name: string): boolean;
}

/** A filter text that is not a valid regex: the message names the filter, the alternative and the reason. */
export class FilterError extends Error {}

/** Splits on `|` outside brackets, groups and escapes. */
function alternatives(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((a) => a.trim()).filter((a) => a.length > 0);
}

function compile(pattern: string, what: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    throw new FilterError(`Invalid ${what} filter "${pattern}": ${reason}`);
  }
}

/** Parses `text` (`what` names the box in messages: "run", "tag"); throws FilterError for an invalid regex. */
export function parseFilter(text: string, what = 'run'): NameFilter {
  const parts = alternatives(text);
  const include = parts.filter((p) => !p.startsWith('!')).map((p) => compile(p, what));
  const exclude = parts.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1), what));
  return {
    text,
    test: (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name)),
  };
}

/** Everything passes. */
export const PASS_ALL: NameFilter = { text: '', test: () => true };
