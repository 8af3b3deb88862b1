// Grouping runs (seeds of one configuration) so that each group is drawn as one band. Pure.
//   by folder level k: runs whose paths agree except at path component k form a group, named with `*` there
//                      ("lr=3e-4/seed=1", "lr=3e-4/seed=2" at level 1 → "lr=3e-4/seed=*"; a key=value folder keeps its key)
//   by regex:          with capture groups, runs with the same captures form a group, named by them joined with
//                      " "; without, runs that are equal once every match is replaced by `*` ("seed=\d+")
// A run the rule does not apply to (no match, too few path components) is a group of its own.
import { FilterError } from './filters';

export type GroupBy = { kind: 'none' } | { kind: 'regex'; pattern: string } | { kind: 'folder'; level: number };

export interface RunGroup {
  name: string;
  /** Member run names, in the order given. */
  runs: string[];
}

/** A key naming the group of `run`, or undefined when the rule does not apply to it. */
function keyOf(run: string, by: GroupBy, regex: RegExp | undefined): string | undefined {
  if (by.kind === 'folder') {
    const parts = run.split(/[\\/]/);
    if (!Number.isInteger(by.level) || by.level < 0 || by.level >= parts.length) return undefined;
    // "seed=3" → "seed=*": a key=value folder keeps its key.
    parts[by.level] = parts[by.level].replace(/^([^=]*=)?.*$/s, (_, key: string | undefined) => `${key ?? ''}*`);
    return parts.join('/');
  }
  if (by.kind === 'regex' && regex) {
    const m = regex.exec(run);
    if (!m) return undefined;
    if (m.length > 1) return m.slice(1).map((c) => c ?? '').join(' ');
    return run.replace(new RegExp(regex.source, 'gi'), '*');
  }
  return undefined;
}

/** Groups `runs` by `by`, groups in order of their first member; throws FilterError for an invalid regex. */
export function groupRuns(runs: readonly string[], by: GroupBy): RunGroup[] {
  let regex: RegExp | undefined;
  if (by.kind === 'regex') {
    try {
      regex = new RegExp(by.pattern, 'i');
    } catch (error) {
      throw new FilterError(`Invalid group regex "${by.pattern}": ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : error}`);
    }
  }
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const key = by.kind === 'none' ? undefined : keyOf(run, by, regex);
    // A run left alone keeps its own name; a prefix keeps it apart from a group key equal to a run's name.
    const id = key === undefined ? `run\u0000${run}` : `group\u0000${key}`;
    const group = groups.get(id) ?? { name: key ?? run, runs: [] };
    group.runs.push(run);
    groups.set(id, group);
  }
  return [...groups.values()];
}
