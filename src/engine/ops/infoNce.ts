// info_nce(query, key, temperature): row i of query should match row i of key among all keys, by cosine
// similarity / temperature (CLIP/SimCLR-style: both sides L2-normalized). Extras: logits and probabilities.
import type { Value } from '../graph/graph';
import { div, exp, maximum, mul, sqrt } from '../graph/math';
import { gather, logSoftmax, matmul, sum } from '../graph/nn';
import { reshape, transpose } from '../graph/shape';
import { checkSameShape } from './common';
import { fail, numberOption, type OpDefinition } from './op';

/**
 * Rows scaled to unit length as F.normalize does, x / max(‖x‖, 1e-12): similarities are cosines, and an
 * all-zero row stays zero (finite) instead of 0/0. Written as sqrt(max(‖x‖², 1e-24)) so that the gradient
 * of an all-zero row is finite too.
 */
function normalizeRows(x: Value): Value {
  return div(x, sqrt(maximum(sum(mul(x, x), [1], true), 1e-24)));
}

export const infoNce: OpDefinition = {
  name: 'info_nce',
  inputs: { query: 'float', key: 'float' },
  defaults: { temperature: 0.07 },
  check({ query, key }, options) {
    checkSameShape('info_nce', ['query', query], ['key', key]);
    if (query.shape.length !== 2) fail(`info_nce(): expected query and key of shape [B, D], got [${query.shape.join(', ')}]`);
    if (query.shape[0] === 0) fail('info_nce(): query and key need at least one row, got an empty batch');
    if (numberOption(options, 'temperature') <= 0) fail(`info_nce(): temperature must be positive, got ${options.temperature}`);
  },
  peakElements({ query, key }) {
    return Math.max(query.shape[0] * key.shape[0], query.data.length);
  },
  build(g, { query, key }, options) {
    const [B] = query.shape;
    const logits = div(matmul(normalizeRows(query), transpose(normalizeRows(key), [1, 0])), numberOption(options, 'temperature'));
    const diagonal = g.constant(BigInt64Array.from({ length: B }, (_, i) => BigInt(i)), 'int64', [B, 1]);
    const logProbs = logSoftmax(logits, 1);
    const picked = reshape(gather(logProbs, diagonal, 1), [B]);
    // extras: the similarities / temperature [B, B] and each query's distribution over the keys [B, B].
    return { output: div(sum(picked), -B), extras: { logits, probabilities: exp(logProbs) } };
  },
};
