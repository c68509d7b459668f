"""Rows of the name tables: model families (and, later, organisations and precisions).

Knowledge about names lives here rather than in code: which runs form a family, which run an
unqualified family name usually means in an article, and the family's own totals.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from flopcheck.tools.provenance import Figure, Row, check_source


class Family(Row):
    """A family of models ("Llama 3.1"): its members are the runs that name it as ``family``."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    organisation: str
    usual_run: str | None = Field(
        default=None,
        description="the run an article naming only the family most often means; used to link "
        "mentions in text, never to answer a lookup (a family name alone is ambiguous)",
    )
    figures: dict[str, Figure] = Field(
        default_factory=dict, description="figures of the family as a whole (unit given)"
    )
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    checked: date

    @model_validator(mode="after")
    def _sourced(self) -> Family:
        for source in self.sources:
            check_source(source)
        return self


class DefaultRun(Row):
    """The run an organisation's name most plausibly means from a date on."""

    run: str = Field(description="TrainingRun.id")
    from_date: date = Field(description="when the run became the default (month or year precision)")


class Organisation(Row):
    """An AI lab: its names, its default run over time, the hosted models it is compared by."""

    id: str = Field(description="lower-case key, e.g. 'openai'")
    name: str
    aliases: list[str] = Field(default_factory=list)
    default_runs: list[DefaultRun] = Field(
        default_factory=list,
        description="what an unqualified mention of the lab most plausibly means, by date",
    )
    price_comparators: dict[str, list[str]] = Field(
        default_factory=dict,
        description="word writers use (the lab or a product line) -> hosted models that stand "
        "for it in a price comparison (ApiModel.model)",
    )
    basis: str = Field(description="why these choices: an editorial rule, stated")
    checked: date

    @model_validator(mode="after")
    def _dated_in_order(self) -> Organisation:
        dates = [d.from_date for d in self.default_runs]
        if dates != sorted(dates):
            raise ValueError(f"{self.id}: default_runs must be in date order")
        return self


class PrecisionFormat(Row):
    """A numeric format: its width, spellings, and which peak column of the tables it uses."""

    id: str = Field(description="lower-case key, e.g. 'bf16'")
    bits: int = Field(gt=0, description="bits per value (TF32 stores 19 significant bits)")
    bytes_per_param: float = Field(gt=0, description="storage per parameter in memory")
    aliases: list[str] = Field(default_factory=list)
    peak_column: str | None = Field(
        default=None,
        description="dense-peak column holding this format's peak (FP32 tensor math is TF32)",
    )
    compare_as: str | None = Field(
        default=None,
        description="column a claim in this format is checked against when it has none of its own",
    )
    note: str | None = None
    source: str
    checked: date

    @model_validator(mode="after")
    def _sourced(self) -> PrecisionFormat:
        check_source(self.source)
        return self
