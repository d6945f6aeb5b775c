"""A training budget in optimiser steps and minutes, and the learning-rate schedule that spends it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR


@dataclass
class Budget:
    """Training ends after `steps` optimiser steps or `minutes`, whichever runs out first."""

    steps: float
    minutes: float
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed_minutes(self) -> float:
        return (time.monotonic() - self.started) / 60

    def progress(self, step: int) -> float:
        """How far training is at `step`, 0..1."""
        return max(step / self.steps, self.elapsed_minutes / self.minutes)

    def schedule(self, optimizer: Optimizer, *, warmup: int) -> LambdaLR:
        """Linear warm-up over `warmup` steps, then a linear decay that reaches zero as the budget runs out."""
        return LambdaLR(optimizer, lambda step: min((step + 1) / warmup, 1.0) * max(0.0, 1.0 - self.progress(step)))
