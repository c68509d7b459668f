"""The default utilisation knows the hardware generation and the model size."""

from __future__ import annotations

import pytest

from flopcheck.tools import call
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import mfu_defaults
from flopcheck.tools.training import default_mfu


def _mid(chip: str, active_params: float | None = None) -> float:
    return default_mfu(resolve_accelerator(chip).record, active_params).mid()


def test_hopper_runs_come_in_lower_than_ampere_runs() -> None:
    assert _mid("H100") < _mid("A100")


def test_small_models_reach_lower_utilisation_on_hopper() -> None:
    assert _mid("H100", 8e9) < _mid("H100", 70e9)


def test_unknown_generation_uses_all_runs() -> None:
    (everything,) = [r for r in mfu_defaults() if r.generation == "all"]
    assert default_mfu(resolve_accelerator("B200").record, None) == everything


def test_every_range_holds_its_mid_and_counts_runs() -> None:
    for row in mfu_defaults():
        assert row.low is not None
        assert row.high is not None
        assert 0 < row.low <= row.mid() <= row.high < 1, row.generation
        assert row.run_count >= 3


def test_accelerator_hours_names_the_generation_it_used() -> None:
    args = {"flop": 3.8e25, "accelerator": "H100", "active_params": 405e9}
    result = call("accelerator_hours", args)
    assert any("Hopper runs" in a for a in result["assumptions"])
    assert result["mfu"]["mid"] == pytest.approx(_mid("H100", 405e9))


def test_fp8_scales_the_bf16_range() -> None:
    bf16 = call("accelerator_hours", {"flop": 3e24, "accelerator": "H800", "precision": "bf16"})
    fp8 = call("accelerator_hours", {"flop": 3e24, "accelerator": "H800", "precision": "fp8"})
    assert fp8["value"]["mid"] == pytest.approx(bf16["value"]["mid"])
    assert fp8["mfu"]["mid"] == pytest.approx(bf16["mfu"]["mid"] / 2, rel=1e-3)
