import itertools
import math

import pytest
import torch

from ner_service.budget import Budget


def test_the_schedule_warms_up_then_reaches_zero_as_the_steps_run_out():
    budget = Budget(steps=10, minutes=math.inf)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = budget.schedule(optimizer, warmup=2)
    rates = []
    for _ in range(10):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates[:3] == pytest.approx([0.5, 0.9, 0.8])
    assert all(a > b for a, b in itertools.pairwise(rates[1:]))
    assert budget.progress(10) == 1.0 and optimizer.param_groups[0]["lr"] == 0.0


def test_the_time_budget_ends_training_when_it_runs_out_first():
    budget = Budget(steps=1000, minutes=1.0, started=0.0)  # started long ago on the monotonic clock
    assert budget.progress(1) >= 1.0
    assert Budget(steps=1000, minutes=math.inf).progress(500) == 0.5
