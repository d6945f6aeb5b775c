"""Linear-chain conditional random field with batched loss and Viterbi decoding.

Shapes: `emissions: [batch, seq_len, num_tags]`, `tags: [batch, seq_len]`, `mask: [batch, seq_len]`
(bool, true on real tokens; every sequence starts at position 0 and has at least one token).
Transitions a tagging scheme forbids carry -inf, so no path through them has any probability mass and
Viterbi can never return one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor, nn


def bio_constraints(labels: Sequence[str]) -> tuple[Tensor, Tensor]:
    """Allowed starts `[num_tags]` and transitions `[from, to]` for BIO: `I-X` only after `B-X` or `I-X`."""
    num_tags = len(labels)
    start = torch.ones(num_tags, dtype=torch.bool)
    allowed = torch.ones(num_tags, num_tags, dtype=torch.bool)
    for j, label in enumerate(labels):
        if not label.startswith("I-"):
            continue
        kind = label[2:]
        start[j] = False
        for i, previous in enumerate(labels):
            allowed[i, j] = previous in (f"B-{kind}", f"I-{kind}")
    return start, allowed


class CRF(nn.Module):
    """CRF over `num_tags` tags; `forward` is the negative log-likelihood, `decode` the best paths."""

    def __init__(
        self,
        num_tags: int,
        *,
        allowed_start: Tensor | None = None,
        allowed: Tensor | None = None,
    ) -> None:
        super().__init__()
        self.num_tags = num_tags
        self.start_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.end_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        # transitions[i, j]: score of moving from tag i to tag j
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))
        if allowed_start is None:
            allowed_start = torch.ones(num_tags, dtype=torch.bool)
        if allowed is None:
            allowed = torch.ones(num_tags, num_tags, dtype=torch.bool)
        # buffers, not parameters: the constraints are part of the scheme, not learned (and not saved)
        self.register_buffer("start_penalty", _penalty(allowed_start), persistent=False)
        self.register_buffer("transition_penalty", _penalty(allowed), persistent=False)

    def _start(self) -> Tensor:
        return self.start_transitions + self.start_penalty  # [num_tags]

    def _transitions(self) -> Tensor:
        return self.transitions + self.transition_penalty  # [num_tags, num_tags]

    def forward(self, emissions: Tensor, tags: Tensor, mask: Tensor, reduction: str = "mean") -> Tensor:
        """Negative log-likelihood of `tags`; `reduction` is "mean" or "sum" over the batch, or "none"."""
        mask = mask.bool()
        nll = self._log_partition(emissions, mask) - self._path_score(emissions, tags, mask)  # [batch]
        if reduction == "none":
            return nll
        if reduction == "sum":
            return nll.sum()
        if reduction == "mean":
            return nll.mean()
        raise ValueError(f"unknown reduction {reduction!r}")

    def _path_score(self, emissions: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        on = mask.to(emissions.dtype)  # [batch, seq_len]
        emitted = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # [batch, seq_len]
        moved = self._transitions()[tags[:, :-1], tags[:, 1:]]  # [batch, seq_len - 1]
        # masked-out steps hold -inf penalties when padding tags are arbitrary: select, don't multiply
        moved = torch.where(mask[:, 1:], moved, torch.zeros_like(moved))
        score = self._start()[tags[:, 0]] + (emitted * on).sum(dim=1) + moved.sum(dim=1)
        last = tags.gather(1, (mask.sum(dim=1) - 1).unsqueeze(1)).squeeze(1)  # [batch]
        return score + self.end_transitions[last]

    def _log_partition(self, emissions: Tensor, mask: Tensor) -> Tensor:
        transitions = self._transitions()
        alpha = self._start() + emissions[:, 0]  # [batch, num_tags]
        for t in range(1, emissions.shape[1]):
            # [batch, from, 1] + [from, to] + [batch, 1, to] -> [batch, to]
            step = torch.logsumexp(alpha.unsqueeze(2) + transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)
        return torch.logsumexp(alpha + self.end_transitions, dim=1)  # [batch]

    @torch.no_grad()
    def decode(self, emissions: Tensor, mask: Tensor) -> list[list[int]]:
        """Best tag sequence of each batch row, as long as its mask."""
        # numpy: a Python loop over positions of tiny arrays costs a few microseconds a step, torch ~4x that
        scores = emissions.detach().float().cpu().numpy()  # [batch, seq_len, num_tags]
        on = mask.bool().cpu().numpy()  # [batch, seq_len]
        into = self._transitions().detach().cpu().numpy().T.copy()  # [to, from]: reductions run over the last axis
        score = self._start().detach().cpu().numpy() + scores[:, 0]  # [batch, num_tags]
        pointers = np.zeros((scores.shape[1], *score.shape), dtype=np.int64)  # [seq_len, batch, num_tags]
        full = on.all(axis=0).tolist()  # positions where no row is padding: no masking needed
        for t in range(1, scores.shape[1]):
            candidates = score[:, None, :] + into  # [batch, to, from]
            pointers[t] = candidates.argmax(axis=2)
            best = candidates.max(axis=2) + scores[:, t]
            score = best if full[t] else np.where(on[:, t, None], best, score)
        score = score + self.end_transitions.detach().cpu().numpy()
        paths = []
        for row, length in enumerate(on.sum(axis=1).tolist()):
            tag = int(score[row].argmax())
            path = [tag]
            for t in range(length - 1, 0, -1):
                tag = int(pointers[t, row, tag])
                path.append(tag)
            paths.append(path[::-1])
        return paths


def _penalty(allowed: Tensor) -> Tensor:
    return torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))
