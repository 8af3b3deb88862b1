"""The numbers each example notebook's cells print, computed independently with PyTorch (float32 where the
notebook computes in float32, float64 for plain-JS arithmetic). Written to test/golden/notebookOutputs.json:
{ notebook: { "cell N": [numbers in the order the cell prints them] } }. The tests compare `losslab run`'s
printed output with these; they never need Python.

    /usr/bin/python3 scripts/golden/notebook_outputs.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

out = {}


def nums(*values):
    flat = []
    for v in values:
        if isinstance(v, torch.Tensor):
            v = v.tolist()
        if isinstance(v, (list, tuple)):
            flat.extend(nums(*v))
        else:
            flat.append(float(v))
    return flat


def put(notebook, cell, *values):
    out.setdefault(notebook, {})[f"cell {cell}"] = [None if math.isnan(v) else ("Infinity" if v == math.inf else "-Infinity" if v == -math.inf else v) for v in nums(*values)]


t = torch.tensor
f32 = torch.float32

# 01 entropy, cross-entropy, KL
q = t([[0.7, 0.2, 0.1]])
logits = t([[1.5, 1.0, -0.5]])
p = logits.softmax(-1)
H = -(q * q.log()).sum(-1).mean()
CE = F.cross_entropy(logits, q)
KL = F.kl_div(p.log(), q, reduction="batchmean")
put("01-entropy-cross-entropy-kl", 2, H, CE, KL, H.item() + KL.item())
P = t([[0.45, 0.05, 0.0, 0.05, 0.45]]) + 1e-6
Q = t([[0.05, 0.1, 0.7, 0.1, 0.05]])
put("01-entropy-cross-entropy-kl", 4, F.kl_div(Q.log(), P, reduction="batchmean"), F.kl_div(P.log(), Q, reduction="batchmean"))

# 02 stable log-softmax
x = t([[1000.0, 999.0, -1000.0]])
naive = (x.exp() / x.exp().sum(-1, keepdim=True)).log()
stable = x - x.logsumexp(-1, keepdim=True)
put("02-stable-log-softmax", 2, naive[0], stable[0], F.log_softmax(x, -1)[0])
put("02-stable-log-softmax", 3, F.cross_entropy(x, t([1])))

# 03 label smoothing, focal, class weights
logits = t([[6.0, 0.5, -1.0], [0.2, 1.5, 0.3]])
y = t([0, 2])
logp = logits.log_softmax(-1)
by_hand = (0.9 * -logp.gather(1, y[:, None])[:, 0] + 0.1 * -logp.mean(-1)).mean()
put("03-label-smoothing-focal-weights", 2, by_hand, F.cross_entropy(logits, y, label_smoothing=0.1))
pp = torch.linspace(0.05, 0.95, 19)
curve = -((1 - pp) ** 2) * pp.log()
py = torch.softmax(t([[math.log(0.7), math.log(0.3)]]), -1)[0, 0]
put("03-label-smoothing-focal-weights", 4, curve[13], -((1 - py) ** 2) * py.log())
x = t([[2.0, 0.5], [0.3, 1.2], [1.1, 0.9]])
tt = t([0, 1, 1])
w = t([1.0, 4.0])
nll = -x.log_softmax(-1).gather(1, tt[:, None])[:, 0]
put("03-label-smoothing-focal-weights", 6, F.cross_entropy(x, tt), (nll * w[tt]).sum() / w[tt].sum(), F.cross_entropy(x, tt, weight=w))

# 04 DPO (TRL's sigmoid loss) and Bradley–Terry
pc = t([-12.0, -8.5], requires_grad=True)
pr = t([-14.0, -8.0], requires_grad=True)
rc = t([-12.5, -9.0])
rr = t([-13.5, -8.2])
beta = 0.1
loss = -F.logsigmoid(beta * ((pc - pr) - (rc - rr))).mean()
loss.backward()
cr = beta * (pc.detach() - rc)
rj = beta * (pr.detach() - rr)
put("04-dpo-and-reward-model", 2, loss, loss, pc.grad, cr, rj, (cr > rj).float().mean())
c = t([1.2, 0.3, 2.0])
r = t([0.4, 0.9, -1.0])
bt = -F.logsigmoid(c - r).mean()
put("04-dpo-and-reward-model", 4, bt, bt)

# 05 LM loss with shift and padding mask, top-k accuracy, token vs sequence normalization
B, T, V = 2, 6, 5
logits = torch.arange(B * T * V).reshape(B, T, V).float().mul(0.37).sin().mul(2)
input_ids = t([[0, 3, 1, 4, 2, 2], [1, 2, 0, 0, 0, 0]])
attention_mask = t([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]])
labels = input_ids.masked_fill(attention_mask == 0, -100)
shift_logits = logits[:, :-1, :]
shift_labels = labels[:, 1:]
lm = F.cross_entropy(shift_logits.reshape(-1, V), shift_labels.reshape(-1), ignore_index=-100)
put("05-masks-and-normalization", 2, lm, lm)
flat_logits = shift_logits.reshape(-1, V)
flat_labels = shift_labels.reshape(-1)
keep = flat_labels != -100
hit = (flat_logits.topk(2, dim=-1).indices == flat_labels[:, None]).any(1) & keep
top2 = hit.sum().float() / keep.sum()
per_token = F.cross_entropy(shift_logits.reshape(-1, V), shift_labels.reshape(-1), reduction="none").reshape(B, T - 1)
valid = (shift_labels != -100).float()
per_seq = (per_token * valid).sum(1) / valid.sum(1)
put("05-masks-and-normalization", 4, top2, top2, lm, per_seq[valid.sum(1) > 0].mean())
put("05-masks-and-normalization", 6, (12.0 / 4 + 30.0 / 20) / 2, (12.0 + 30.0) / 24)

# 06 backprop through W and b
x = t([[0.5, -1.2, 2.0], [1.0, 0.3, -0.7]])
y = t([2, 0])
W = t([[0.1, -0.2, 0.3], [0.0, 0.4, -0.1], [-0.3, 0.2, 0.5], [0.2, 0.1, 0.0]], requires_grad=True)
b = torch.zeros(4, requires_grad=True)
F.cross_entropy(x @ W.T + b, y).backward()
put("06-backprop-softmax-cross-entropy", 2, 0.0, 0.0, b.grad)
z0 = t([[1.2, -0.3, 0.8, 0.1]], requires_grad=True)
F.cross_entropy(z0, t([2])).backward()
put("06-backprop-softmax-cross-entropy", 4, z0.grad)

# 07 BCE with logits and pos_weight
x = t([[2.0, -1.0, 0.5], [-0.5, 1.5, -2.0]])
y = t([[1.0, 0, 0], [0, 1.0, 0]])
pw = torch.full((3,), 3.0)
weighted = F.binary_cross_entropy_with_logits(x, y, pos_weight=pw)
put("07-bce-and-pos-weight", 2, F.binary_cross_entropy_with_logits(x, y), weighted, weighted)

# 08 MLM: the notebook's own generator (Park–Miller), then the loss on the picked positions
seed = 42


def rand():
    global seed
    seed = (seed * 16807) % 2147483647
    return seed / 2147483647


Vm, MASK, Tm = 12, 11, 40
ids = [math.floor(rand() * 10) for _ in range(Tm)]
inp = list(ids)
lab = [-100] * Tm
kinds = {"mask": 0, "random": 0, "keep": 0}
for i, tok in enumerate(ids):
    if rand() >= 0.15:
        continue
    lab[i] = tok
    u = rand()
    if u < 0.8:
        inp[i] = MASK
        kinds["mask"] += 1
    elif u < 0.9:
        inp[i] = math.floor(rand() * 10)
        kinds["random"] += 1
    else:
        kinds["keep"] += 1
labels = t([lab])
logits = F.one_hot(t([inp]), Vm).float() * 2 + (torch.arange(Tm)[:, None] + torch.arange(Vm)).float().sin() * 0.5 + 0.01
mask = labels != -100
mlm = F.cross_entropy(logits[mask], labels[mask])
put("08-mlm-masking", 2, mask.sum(), kinds["mask"], kinds["random"], kinds["keep"], mlm, mlm)

# 09 CTC
Tc, C = 6, 4
raw = (torch.arange(Tc).reshape(Tc, 1, 1).float() * 1.3 + torch.arange(C).float()).cos() + 0.01
lp = raw.log_softmax(2)
put("09-ctc", 2, F.ctc_loss(lp, t([[1, 2, 2]]), t([Tc]), t([3]), reduction="sum"))

# 10 a training loop: nn.Linear, AdamW, 4 micro-batches of gradient accumulation, clip_grad_norm_
X = torch.arange(64 * 4).reshape(64, 4).float().mul(0.61).sin()
Y = (X @ t([[1.0], [-2.0], [0.5], [3.0]]))[:, 0].gt(0).long()
model = torch.nn.Linear(4, 2)
with torch.no_grad():
    model.weight.copy_(torch.arange(8).reshape(2, 4).float().mul(0.3).cos().mul(0.1))
    model.bias.zero_()
opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
losses = []
for step in range(20):
    total = 0.0
    for m in range(4):
        l = F.cross_entropy(model(X[m * 16:(m + 1) * 16]), Y[m * 16:(m + 1) * 16]) / 4
        l.backward()
        total += l.item()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad()
    losses.append(total)
put("10-train-a-model", 4, losses[0], losses[-1], norm, (model(X).argmax(1) == Y).float().mean())

# 11 InfoNCE from F.normalize and a similarity matrix
N, D, tau = 4, 3, 0.1
query = torch.arange(N * D).reshape(N, D).float().mul(0.9).sin()
key = query + torch.arange(N * D).reshape(N, D).float().mul(1.7).cos().mul(0.3)
sim = F.normalize(query, dim=1) @ F.normalize(key, dim=1).T / tau
nce = F.cross_entropy(sim, torch.arange(N))
put("11-contrastive-infonce", 2, nce, nce)

# 12 RLHF: π* ∝ π_ref·exp(r/β), J(π) = E_π[r] − β·KL(π‖π_ref), and a β sweep
ref_logits = t([1.2, 0.8, 0.3, 0, -0.4, -1])
rewards = t([0.5, -0.5, 1.5, 0.2, -1, 2])


def rlhf_objective(logits, ref, r, beta):
    logp, logref = logits.log_softmax(-1), ref.log_softmax(-1)
    pi = logp.exp()
    expected = (pi * r).sum(-1)
    kl = (pi * (logp - logref)).sum(-1)
    return expected - beta * kl, expected, kl


beta = 0.5
star = (ref_logits.log_softmax(-1) + rewards / beta).softmax(-1)
policy = star.log().detach().requires_grad_()
J, E, KL = rlhf_objective(policy, ref_logits, rewards, beta)
J.backward()
logZ = (ref_logits.log_softmax(-1) + rewards / beta).logsumexp(-1)
put("12-rlhf-optimal-policy", 2, star, star, J, beta * logZ, E, KL, policy.grad.norm())
betas = t([100, 10, 1, 0.1, 0.01])
logref = ref_logits.log_softmax(-1).expand(5, 6)
stars = (logref + rewards / betas[:, None]).log_softmax(-1)
_, _, kls = rlhf_objective(stars, ref_logits.expand(5, 6), rewards.expand(5, 6), betas)
shift = rewards - betas[:, None] * (stars - logref)
put("12-rlhf-optimal-policy", 4, stars.exp()[:, 5], kls, shift[:, 0], shift.amax(1) - shift.amin(1), betas * (logref + rewards / betas[:, None]).logsumexp(-1))

# 13 length normalisation: Σ log p / |Y|^α
hyps = [[-1.2, -0.5], [-0.9, -0.4, -0.3, -0.5], [-0.9, -0.4, -0.3, -0.3, -0.2, -0.15, -0.15], [-0.9, -0.4, -0.3, -0.35, -0.3, -0.2, -0.2, -0.15, -0.2]]
row = []
for alpha in [0, 0.6, 1]:
    row += [alpha] + [t(h).sum() / len(h) ** alpha for h in hyps]
put("13-length-normalisation", 2, *row)

# 14 gradient clipping: torch.nn.utils on parameters whose .grad is the scene's g, then in a training step


def clipped(g, **kw):
    p = torch.nn.Parameter(torch.zeros_like(g))
    p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_([p], **kw)
    return p.grad, total


g = t([3.2, 1.1])
n2, tot2 = clipped(g, max_norm=1.0)
n1, tot1 = clipped(g, max_norm=1.0, norm_type=1)
pv = torch.nn.Parameter(torch.zeros(2))
pv.grad = g.clone()
torch.nn.utils.clip_grad_value_([pv], clip_value=1.0)
deg = lambda v: math.degrees(math.atan2(v[1], v[0]))
put("14-gradient-clipping", 2, 2, n2, tot2, min(1.0, 1.0 / (tot2.item() + 1e-6)), 1, n1, tot1, pv.grad, deg(g.tolist()), deg(n2.tolist()), deg(pv.grad.tolist()))
x = t([[0.5, -1.2, 2.0], [1.0, 0.3, -0.7]])
y = t([2, 0])
W = t([[2.1, -1.2, 0.3], [0.0, 1.4, -2.1], [-1.3, 0.2, 1.5], [0.2, 3.1, 0.0]], requires_grad=True)
b = torch.zeros(4, requires_grad=True)
loss = F.cross_entropy(F.linear(x, W, b), y)
loss.backward()
before = [W.grad.norm(), b.grad.norm()]
total = torch.nn.utils.clip_grad_norm_([W, b], 1.0)
after = [W.grad.norm(), b.grad.norm()]
put("14-gradient-clipping", 4, loss, total, before, after, math.hypot(after[0].item(), after[1].item()))

# 16 BERT-family objectives: MLM (whole-word, 80/10/10), NSP, XLNet's PLM, ELECTRA's RTD
def bert_family(seed0):
    global seed
    tokens = "[CLS] the chef un ##wrap ##ped the cheese and serve ##d it warm [SEP] every guest ask ##ed for a second slice . [SEP]".split(" ")
    special = ["[CLS]", "[SEP]", "[MASK]"]
    vocab = list(special)
    for w in tokens:
        if w not in vocab:
            vocab.append(w)
    V, T, MASK = len(vocab), len(tokens), vocab.index("[MASK]")
    ids = [vocab.index(w) for w in tokens]
    original = t(ids)
    seed = seed0

    def shuffle(xs):
        out = list(xs)
        for i in range(len(out) - 1, 0, -1):
            j = math.floor(rand() * (i + 1))
            out[i], out[j] = out[j], out[i]
        return out

    pieces = [i for i, tok in enumerate(ids) if tok >= len(special)]
    words = []
    for i in pieces:
        if tokens[i].startswith("##"):
            words[-1].append(i)
        else:
            words.append([i])
    count = max(1, math.floor(0.15 * len(pieces) + 0.5))
    chosen = []
    for word in shuffle(words):
        if len(chosen) + len(word) <= count:
            chosen.extend(word)
    chosen.sort()
    inp, lab, kinds = list(ids), [-100] * T, {"mask": 0, "random": 0, "keep": 0}
    for i in chosen:
        lab[i] = ids[i]
        r = rand()
        if r < 0.8:
            inp[i] = MASK
            kinds["mask"] += 1
        elif r < 0.9:
            inp[i] = len(special) + math.floor(rand() * (V - len(special)))
            kinds["random"] += 1
        else:
            kinds["keep"] += 1
    labels = t(lab)
    pattern = (torch.arange(T).float() * 1.3)[:, None].add(torch.arange(V).float() * 0.7).sin() * 0.5

    def encoder(x):
        return pattern + F.one_hot(x, V).float() * (x != MASK).float().mul(2.5)[:, None] + F.one_hot(original, V).float() * 1.5

    logits = encoder(t(inp)).requires_grad_()
    mlm = F.cross_entropy(logits, labels, ignore_index=-100)
    mask = labels != -100
    mlm_rows = F.cross_entropy(logits[mask], labels[mask])
    mlm.backward()
    cells = {2: [len(pieces), len(chosen), kinds["mask"], kinds["random"], kinds["keep"], mlm, mlm_rows, T, logits.grad.ne(0).any(1).sum()]}
    # NSP on the [CLS] score, summed with MLM
    cls_score = t([1.2], requires_grad=True)
    nsp = F.binary_cross_entropy_with_logits(cls_score, t([1.0]))
    not_next = F.binary_cross_entropy_with_logits(cls_score.detach(), t([0.0]))
    logits.grad = None
    bert = F.cross_entropy(logits, labels, ignore_index=-100) + nsp
    bert.backward()
    cells[4] = [nsp, -math.log(torch.sigmoid(torch.tensor(1.2, dtype=torch.float64)).item()), not_next, bert,
                logits.grad.ne(0).any(1).sum().item() + cls_score.grad.ne(0).sum().item(), cls_score.grad]
    # PLM
    order = shuffle(pieces)
    n, K = len(order), 6
    rank = t([order.index(i) for i in pieces])
    visible = rank[None, :] < rank[:, None]
    pc = math.floor(n / K + 0.5)
    seen = visible.sum(1).float()
    pidx = t(pieces)
    plm_logits = (pattern.index_select(0, pidx) + F.one_hot(original.index_select(0, pidx), V).float() * (seen * (3 / n) + 0.5)[:, None]).requires_grad_()
    plm_targets = original.index_select(0, pidx).masked_fill(rank < n - pc, -100)
    plm = F.cross_entropy(plm_logits, plm_targets, ignore_index=-100)
    plm.backward()
    cells[5] = [n, K, pc, seen[plm_targets != -100], plm, plm_logits.grad.ne(0).any(1).sum()]
    # RTD
    gen_logits = encoder(original.masked_fill(mask, MASK)).requires_grad_()
    gen = F.cross_entropy(gen_logits, labels, ignore_index=-100)
    probs = gen_logits.detach().softmax(-1).tolist()
    corrupted = list(ids)
    for i in chosen:
        u = rand()
        v = -1
        for k, p in enumerate(probs[i]):
            u -= p
            if u < 0:
                v = k
                break
        corrupted[i] = V - 1 if v < 0 else v
    replaced = (t(corrupted) != original).float()
    disc_logits = (replaced * 4 - 2 + (torch.arange(T).float() * 2.1 + 0.5).sin() * 1.2).requires_grad_()
    disc = F.binary_cross_entropy_with_logits(disc_logits, replaced)
    electra = gen + 50 * disc
    electra.backward()
    cells[7] = [gen, disc, 50, electra, replaced.sum(), gen_logits.grad.ne(0).any(1).sum(), disc_logits.grad.ne(0).sum(), T]
    return cells


for cell, values in bert_family(119).items():
    put("16-bert-family-objectives", cell, *values)

out["_source"] = f"PyTorch {torch.__version__}"
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "notebookOutputs.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
