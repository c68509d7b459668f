"""Functions with generated signatures, for frameworks that build a tool schema by inspection.

MCP and ``llm`` read a function's ``__signature__`` and annotations to describe a tool; these
helpers generate both from the registry's pydantic models, so no schema is written by hand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, Field


def model_parameters(model: type[BaseModel]) -> list[inspect.Parameter]:
    """Return a model's fields as keyword-only parameters annotated with their descriptions.

    Args:
        model: a pydantic model whose fields are flat tool arguments.
    """
    params = []
    for name, field in model.model_fields.items():
        info = Field(description=field.description) if field.description else Field()
        default = (
            inspect.Parameter.empty
            if field.is_required()
            else field.get_default(call_default_factory=True)
        )
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=Annotated[(field.annotation, *field.metadata, info)],
            )
        )
    return params


def typed_function(
    name: str,
    description: str,
    parameters: Sequence[inspect.Parameter],
    body: Callable[[dict[str, Any]], Any],
    returns: Any,
) -> Callable[..., Any]:
    """Return a function with a real signature that passes its keyword arguments to ``body``.

    Frameworks that build a schema by inspecting a function (MCP, llm) read the generated
    ``__signature__`` and ``__annotations__``, so the schema is never written by hand.

    Args:
        name: the function (tool) name.
        description: the docstring (tool description).
        parameters: keyword-only parameters, e.g. from :func:`model_parameters`.
        body: receives the keyword arguments as a dict and returns the result.
        returns: the return annotation.
    """

    def function(**kwargs: Any) -> Any:
        return body(kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = description
    function.__dict__["__signature__"] = inspect.Signature(
        list(parameters), return_annotation=returns
    )
    function.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": returns}
    return function
