// info_nce(query, key, temperature): row i of query should match row i of key among all keys, by cosine
// similarity / temperature (CLIP/SimCLR-style: both sides L2-normalized).
import type { Value } from '../graph/graph';
import { div, mul, sqrt } from '../graph/math';
import { gather, logSoftmax, matmul, sum } from '../graph/nn';
import { reshape, transpose } from '../graph/shape';
import { checkSameShape } from './common';
import { fail, numberOption, type OpDefinition } from './op';

/** Rows scaled to unit length (F.normalize): similarities are cosines. */
function normalizeRows(x: Value): Value {
  return div(x, sqrt(sum(mul(x, x), [1], true)));
}

export const infoNce: OpDefinition = {
  name: 'info_nce',
  inputs: { query: 'float', key: 'float' },
  defaults: { temperature: 0.07 },
  check({ query, key }, options) {
    checkSameShape('info_nce', ['query', query], ['key', key]);
    if (query.shape.length !== 2) fail(`info_nce(): expected query and key of shape [B, D], got [${query.shape.join(', ')}]`);
    if (numberOption(options, 'temperature') <= 0) fail(`info_nce(): temperature must be positive, got ${options.temperature}`);
  },
  build(g, { query, key }, options) {
    const [B] = query.shape;
    const logits = div(matmul(normalizeRows(query), transpose(normalizeRows(key), [1, 0])), numberOption(options, 'temperature'));
    const diagonal = g.constant(BigInt64Array.from({ length: B }, (_, i) => BigInt(i)), 'int64', [B, 1]);
    const picked = reshape(gather(logSoftmax(logits, 1), diagonal, 1), [B]);
    return { output: div(sum(picked), -B) };
  },
};
