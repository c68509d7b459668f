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
