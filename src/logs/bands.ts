// A group's curve statistics for bands: at each step any member logged, the members' mean, standard deviation
// (population, ddof = 0, as numpy's default), min and max. A member that did not log that step contributes its
// linear interpolation between its neighbouring points (numpy.interp), but only within its own first..last step
// (no extrapolation): the count says how many members each point stands on. Non-finite values are left out.
// Float64 throughout. Pure.

export interface MemberCurve {
  steps: readonly number[];
  values: readonly number[];
}

export interface Band {
  steps: Float64Array;
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Members standing at each step. */
  count: Uint16Array;
}

/** A member's finite points sorted by step (stable: of repeated steps the last logged value is kept). */
function cleaned(m: MemberCurve): { steps: number[]; values: number[] } {
  const order: number[] = [];
  for (let i = 0; i < m.steps.length; i++) if (Number.isFinite(m.steps[i]) && Number.isFinite(m.values[i])) order.push(i);
  let sorted = true;
  for (let i = 1; i < order.length && sorted; i++) sorted = m.steps[order[i - 1]] <= m.steps[order[i]];
  if (!sorted) order.sort((a, b) => m.steps[a] - m.steps[b] || a - b);
  const steps: number[] = [];
  const values: number[] = [];
  for (const i of order) {
    if (steps.length && steps[steps.length - 1] === m.steps[i]) values[values.length - 1] = m.values[i];
    else {
      steps.push(m.steps[i]);
      values.push(m.values[i]);
    }
  }
  return { steps, values };
}

/** The sorted union of the members' steps. */
function unionSteps(members: { steps: number[] }[]): Float64Array {
  let total = 0;
  for (const m of members) total += m.steps.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const m of members) for (const s of m.steps) all[k++] = s;
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
  return all.slice(0, n);
}

export function bandOf(members: readonly MemberCurve[]): Band {
  const curves = members.map(cleaned).filter((c) => c.steps.length > 0);
  const steps = unionSteps(curves);
  const n = steps.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const count = new Uint16Array(n);
  // Two passes (mean, then squared deviations) for accuracy; the interpolated values are cached per member.
  const at = new Float64Array(n);
  const mean = new Float64Array(n);
  const contributions: { from: number; values: Float64Array }[] = [];
  for (const c of curves) {
    let j = 0;
    let from = -1;
    let to = -1;
    for (let i = 0; i < n; i++) {
      const s = steps[i];
      if (s < c.steps[0] || s > c.steps[c.steps.length - 1]) continue;
      while (c.steps[j + 1] !== undefined && c.steps[j + 1] <= s) j++;
      const v = c.steps[j] === s ? c.values[j] : c.values[j] + ((c.values[j + 1] - c.values[j]) * (s - c.steps[j])) / (c.steps[j + 1] - c.steps[j]);
      at[i] = v;
      if (from < 0) from = i;
      to = i;
      sum[i] += v;
      count[i]++;
      if (v < min[i]) min[i] = v;
      if (v > max[i]) max[i] = v;
    }
    contributions.push({ from, values: at.slice(from, to + 1) });
  }
  for (let i = 0; i < n; i++) mean[i] = sum[i] / count[i];
  for (const { from, values } of contributions) {
    for (let k = 0; k < values.length; k++) {
      const d = values[k] - mean[from + k];
      sumSq[from + k] += d * d;
    }
  }
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(sumSq[i] / count[i]);
  return { steps, mean, std, min, max, count };
}
