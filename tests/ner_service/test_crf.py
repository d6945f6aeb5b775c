import itertools
from itertools import pairwise

import pytest
import torch

from ner_service.crf import CRF, bio_constraints

LABELS = ("O", "B-A", "I-A", "B-B", "I-B")


def _path_score(crf: CRF, emissions: torch.Tensor, path: tuple[int, ...]) -> float:
    start, transitions = crf._start(), crf._transitions()
    score = start[path[0]] + emissions[0, path[0]]
    for previous, tag, row in zip(path, path[1:], emissions[1:]):
        score = score + transitions[previous, tag] + row[tag]
    return float((score + crf.end_transitions[path[-1]]).detach())


def _crf(constrained: bool) -> CRF:
    torch.manual_seed(0)
    if not constrained:
        return CRF(len(LABELS))
    start, allowed = bio_constraints(LABELS)
    return CRF(len(LABELS), allowed_start=start, allowed=allowed)


def _allowed(path) -> bool:
    labels = [LABELS[t] for t in path]
    if labels[0].startswith("I-"):
        return False
    return all(not b.startswith("I-") or a[2:] == b[2:] and a != "O" for a, b in pairwise(labels))


@pytest.mark.parametrize("constrained", [False, True])
def test_decode_equals_brute_force_with_ragged_lengths(constrained):
    crf = _crf(constrained)
    with torch.no_grad():
        crf.transitions.normal_(0, 2)
    emissions = torch.randn(3, 4, len(LABELS)) * 3
    lengths = [4, 2, 1]
    mask = torch.tensor([[i < n for i in range(4)] for n in lengths])
    decoded = crf.decode(emissions, mask)
    for row, length in enumerate(lengths):
        paths = [
            p for p in itertools.product(range(len(LABELS)), repeat=length) if not constrained or _allowed(p)
        ]
        best = max(paths, key=lambda p: _path_score(crf, emissions[row, :length], p))
        assert tuple(decoded[row]) == best


def test_loss_is_log_partition_minus_gold_score_by_enumeration():
    crf = _crf(True)
    emissions = torch.randn(1, 3, len(LABELS))
    gold = (1, 2, 0)
    paths = [p for p in itertools.product(range(len(LABELS)), repeat=3) if _allowed(p)]
    log_z = torch.logsumexp(torch.tensor([_path_score(crf, emissions[0], p) for p in paths]), dim=0)
    expected = float(log_z) - _path_score(crf, emissions[0], gold)
    loss = crf(emissions, torch.tensor([gold]), torch.ones(1, 3, dtype=torch.bool))
    assert loss.item() == pytest.approx(expected, abs=1e-4)


def test_forbidden_transitions_are_never_decoded_even_when_emissions_push_for_them():
    crf = _crf(True)
    # every position screams I-A / I-B: unconstrained Viterbi would start with I-A and jump O -> I-B
    emissions = torch.full((2, 6, len(LABELS)), -5.0)
    emissions[:, :, LABELS.index("I-A")] = 10.0
    emissions[1, 3:, LABELS.index("I-B")] = 20.0
    emissions[1, 2, LABELS.index("O")] = 30.0
    for path in crf.decode(emissions, torch.ones(2, 6, dtype=torch.bool)):
        assert _allowed(path), [LABELS[t] for t in path]


def test_loss_decreases_and_decoding_learns_a_toy_tagging():
    torch.manual_seed(0)
    start, allowed = bio_constraints(LABELS)
    crf = CRF(len(LABELS), allowed_start=start, allowed=allowed)
    # toy "model": a per-token emission table; token 1 starts an A, token 2 continues it, 0 is outside
    table = torch.nn.Embedding(3, len(LABELS))
    tokens = torch.tensor([[0, 1, 2, 2, 0], [1, 2, 0, 1, 0]])
    tags = torch.tensor([[0, 1, 2, 2, 0], [1, 2, 0, 1, 0]])
    mask = torch.tensor([[True] * 5, [True, True, True, True, False]])
    optimizer = torch.optim.Adam([*crf.parameters(), *table.parameters()], lr=0.1)
    losses = []
    for _ in range(60):
        loss = crf(table(tokens), tags, mask)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 10
    assert crf.decode(table(tokens), mask) == [[0, 1, 2, 2, 0], [1, 2, 0, 1]]


def test_reductions_and_no_nan_gradients_with_masked_padding():
    crf = _crf(True)
    emissions = torch.randn(2, 5, len(LABELS), requires_grad=True)
    tags = torch.tensor([[1, 2, 0, 3, 4], [3, 4, 4, 0, 0]])
    mask = torch.tensor([[True] * 5, [True, True, True, False, False]])
    per_row = crf(emissions, tags, mask, reduction="none")
    assert per_row.shape == (2,)
    assert crf(emissions, tags, mask, reduction="sum").item() == pytest.approx(per_row.sum().item(), rel=1e-5)
    crf(emissions, tags, mask).backward()
    assert torch.isfinite(emissions.grad).all()
    assert torch.isfinite(crf.transitions.grad).all()
    with pytest.raises(ValueError):
        crf(emissions, tags, mask, reduction="max")
