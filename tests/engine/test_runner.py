"""The engine runs programs through the registry and never raises, whatever the program."""

from __future__ import annotations

import pytest

from flopcheck.engine.program import (
    ClaimedAmount,
    Comparison,
    Diagnostic,
    Framing,
    Program,
    Ref,
    Step,
    Subject,
    Written,
)
from flopcheck.engine.runner import run_program

QUOTE = "DeepSeek-V3 cost $5.5M to train"


def cost_program(steps: list[Step], compare: list[Comparison], **extra: object) -> Program:
    """The $5.5M claim with the given steps and figures to compare."""
    return Program.model_validate(
        {
            "quote": QUOTE,
            "start": 0,
            "end": len(QUOTE),
            "kind": "training_cost",
            "claimed": ClaimedAmount(
                value=5.5e6,
                low=None,
                high=None,
                unit="USD",
                written=Written(literal="$5.5M", hedged=False, bound=None),
            ),
            "subjects": [Subject(text="DeepSeek-V3", record="DeepSeek-V3", grounding="named")],
            "steps": steps,
            "compare": compare,
            **extra,
        }
    )


LOOKUP = Step(id="s1", tool="lookup_training_run", args={"model": "DeepSeek-V3"})
COST = Step(
    id="s2",
    tool="training_cost",
    args={
        "accelerator_hours": Ref(ref="s1.run.accelerator_hours_total.value"),
        "usd_per_accelerator_hour": 2,
    },
)


def test_a_program_runs_and_every_step_is_recorded_with_resolved_arguments() -> None:
    verdict = run_program(cost_program([LOOKUP, COST], [Comparison(step="s2")]))
    assert verdict.label == "supported"
    assert verdict.computed is not None
    assert verdict.computed.value == pytest.approx(5.576e6)
    assert [s.id for s in verdict.steps] == ["s1", "s2", None]
    assert verdict.steps[1].args["accelerator_hours"] == pytest.approx(2.788e6)
    assert verdict.figure == "recomputed"


def test_a_proposed_reason_the_results_confirm_makes_it_misleading() -> None:
    framing = [Framing(reason="rental_vs_total", note="the final run's rental only")]
    verdict = run_program(cost_program([LOOKUP, COST], [Comparison(step="s2")], framing=framing))
    assert verdict.label == "misleading"
    assert verdict.reasons == ["rental_vs_total"]


def test_a_proposed_reason_the_results_do_not_show_is_dropped() -> None:
    framing = [Framing(reason="sparse_as_dense", note="no sparse figure here")]
    verdict = run_program(cost_program([LOOKUP, COST], [Comparison(step="s2")], framing=framing))
    assert verdict.label == "supported"


def test_a_diagnostic_figure_explains_a_claim_that_matches_only_it() -> None:
    quote = "A100s deliver 6e14 FLOP/s in BF16"
    prog = Program(
        quote=quote,
        start=0,
        end=len(quote),
        kind="other",
        claimed=ClaimedAmount(
            value=6e14,
            low=None,
            high=None,
            unit="FLOP/s",
            written=Written(literal="6e14", hedged=False, bound=None),
        ),
        subjects=[Subject(text="A100s", record="A100 SXM 80GB", grounding="named")],
        steps=[
            Step(id="s1", tool="lookup_accelerator", args={"name": "A100"}),
            Step(
                id="s2",
                tool="calculate",
                args={"expression": "312 * 2"},
            ),
        ],
        compare=[Comparison(step="s1", field="accelerator.dense_peak_tflops.bf16")],
        diagnose=[
            Diagnostic(
                step="s2",
                field="value",
                reason="sparse_as_dense",
                label="the 'with sparsity' BF16 peak",
            )
        ],
    )
    verdict = run_program(prog)
    # The sparse figure is only confirmed when the derivation reads a sparse field.
    assert verdict.label == "refuted"
    assert verdict.reasons == []


@pytest.mark.parametrize(
    ("steps", "compare", "message"),
    [
        pytest.param(
            [Step(id="s1", tool="no_such_tool", args={})],
            [Comparison(step="s1")],
            "unknown tool",
            id="unknown-tool",
        ),
        pytest.param(
            [Step(id="s1", tool="calculate", args={"expression": Ref(ref="s9.value.mid")})],
            [Comparison(step="s1")],
            "not an earlier step",
            id="missing-reference",
        ),
        pytest.param(
            [
                Step(id="s1", tool="calculate", args={"expression": "1", "x": Ref(ref="s2.value")}),
                Step(id="s2", tool="calculate", args={"expression": "2"}),
            ],
            [Comparison(step="s2")],
            "not an earlier step",
            id="forward-reference",
        ),
        pytest.param(
            [Step(id="s1", tool="calculate", args={"expression": Ref(ref="s1.value.mid")})],
            [Comparison(step="s1")],
            "not an earlier step",
            id="cyclic-reference",
        ),
        pytest.param(
            [LOOKUP, Step(id="s2", tool="calculate", args={"expression": Ref(ref="s1.run.nope")})],
            [Comparison(step="s2")],
            "no field",
            id="reference-to-a-missing-field",
        ),
        pytest.param(
            [Step(id=f"s{i}", tool="calculate", args={"expression": "1"}) for i in range(1, 1000)],
            [Comparison(step="s1")],
            "at most",
            id="1000-steps",
        ),
        pytest.param(
            [Step(id="s1", tool="training_cost", args={"accelerator_hours": float("nan")})],
            [Comparison(step="s1")],
            "not a finite number",
            id="nan",
        ),
        pytest.param(
            [Step(id="s1", tool="training_cost", args={"accelerator_hours": -5})],
            [Comparison(step="s1")],
            "failed",
            id="failing-step",
        ),
        pytest.param(
            [Step(id="s1", tool="calculate", args={"expression": "1"})],
            [Comparison(step="s7")],
            "names no step",
            id="comparison-of-a-missing-step",
        ),
    ],
)
def test_malformed_programs_are_unverifiable_with_the_message(
    steps: list[Step], compare: list[Comparison], message: str
) -> None:
    verdict = run_program(cost_program(steps, compare))
    assert verdict.label == "unverifiable"
    assert message in verdict.explanation


def test_programs_sharing_a_memo_get_the_verdicts_they_would_alone() -> None:
    steps = [Step(id="s1", tool="lookup_training_run", args={"model": "DeepSeek-V3"})]
    program = cost_program(steps, [Comparison(step="s1", field="run.reported_cost_usd")])
    memo: dict[str, dict[str, object]] = {}
    alone = run_program(program)
    first, second = run_program(program, memo), run_program(program, memo)
    assert alone == first == second
    # Each distinct call ran once: the lookup and the judge's comparison.
    assert len(memo) == 2
