"""The ``calculate`` tool: arithmetic over numbers written the way articles write them.

A hand-written tokenizer and recursive-descent parser evaluate the expression; there are no
names, no calls and no ``eval``, so an expression copied out of an untrusted article can do
nothing but compute. Every input that could run away is bounded: the expression length, the
nesting depth, each power (checked by logarithm before it is computed) and every intermediate
value (at most ``MAX_MAGNITUDE`` in size).

Grammar (usual precedence; ``^`` binds tighter than a sign and groups right to left):

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-") unary | power
    power := atom ("^" unary)?
    atom  := NUMBER | NAME | "(" expr ")"

NAME is one of the variables ``x1`` to ``x4``, given as numeric arguments, so that a claim
program can compute with figures from earlier steps ("x1 / x2" with ``x1`` and ``x2``
referenced) without writing them into the string.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import MAX_MAGNITUDE, Args, ToolResult, Value
from flopcheck.tools.numbers import LIMIT, literal_scale, literal_value, number_pattern

MAX_LENGTH = 500
_MAX_UNIT = 40
MAX_DEPTH = 40
_LOG10_MAX = math.log10(MAX_MAGNITUDE)
# Other spellings of the operators + - * / ^ ( ).
_ALIASES = {"−": "-", "×": "*", "·": "*", "x": "*", "X": "*", "÷": "/", "**": "^"}
_TOKEN_RE = re.compile(
    rf"\s*(?:(?P<var>\bx[1-4]\b)|(?P<num>{number_pattern(products=False)})"
    r"|(?P<op>\*\*|[-+*/^×xX·÷−()]))"
)
VARIABLES = ("x1", "x2", "x3", "x4")
_VALUE_END = ("num", ")")
_VALUE_START = ("num", "(", "-", "+")


@dataclass(frozen=True, slots=True)
class _Token:
    """One token: a number (with its value) or an operator normalized to + - * / ^ ( )."""

    kind: str
    text: str
    value: float = 0.0
    usd: bool = False
    scaled: bool = False


class _Num(NamedTuple):
    """A value and its power of USD (1 for dollars, 0 for plain, None when mixed)."""

    value: float
    usd: int | None


def _unexpected(expr: str, at: int) -> ToolInputError:
    """Return the error for a character the tokenizer cannot read, with what to do instead.

    Args:
        expr: the expression.
        at: the index of the offending character.
    """
    char = expr[at]
    where = f"{expr[at : at + 12]!r} at position {at}"
    if char.isalpha() or char == "_":
        return ToolInputError(
            f"names, units and functions are not allowed ({where}): write numbers and + - * / ^ "
            "only, e.g. '6 * 37B * 14.8T'; use convert_units for units"
        )
    if char == "%":
        return ToolInputError(f"'%' is not supported ({where}): write 25% as 0.25")
    if char == "=":
        return ToolInputError(f"write only the expression, without '=' ({where})")
    if char == ",":
        return ToolInputError(f"commas only group thousands, as in 2,048 ({where})")
    return ToolInputError(f"cannot read {where}: use numbers, + - * / ^ and parentheses")


def _tokenize(expr: str, variables: dict[str, float]) -> list[_Token]:
    """Return the tokens of ``expr``; raise on anything that is not a number or an operator.

    Args:
        expr: the expression.
        variables: the values of the names x1-x4 that the caller gave.
    """
    tokens: list[_Token] = []
    pos = 0
    while (m := _TOKEN_RE.match(expr, pos)) is not None:
        pos = m.end()
        name = m.group("var")
        if name is not None:
            if name not in variables:
                raise ToolInputError(
                    f"the expression uses {name!r} but no value was given for it; pass {name}"
                )
            tokens.append(_Token("num", name, _checked(variables[name])))
        elif m.group("num") is not None:
            tokens.append(
                _Token(
                    "num",
                    m.group("num"),
                    literal_value(m),
                    m.group("cur") is not None,
                    literal_scale(m) > 0,
                )
            )
        else:
            tokens.append(_Token(_ALIASES.get(m.group("op"), m.group("op")), m.group("op")))
    rest = expr[pos:].lstrip()
    if rest:
        raise _unexpected(expr, len(expr) - len(rest))
    for i, tok in enumerate(tokens):
        if tok.text in ("x", "X") and not (
            0 < i < len(tokens) - 1
            and tokens[i - 1].kind in _VALUE_END
            and tokens[i + 1].kind in _VALUE_START
        ):
            raise ToolInputError(
                "'x' means multiplication only between two numbers, as in '3.49 x 10^6'"
            )
    return tokens


def _checked(x: float) -> float:
    """Return ``x`` if it is finite and within MAX_MAGNITUDE; raise a fixable error otherwise.

    Args:
        x: an intermediate or final value.
    """
    if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        raise ToolInputError(
            f"a value in the expression exceeds ±{LIMIT}; check the exponents and scales"
        )
    return x + 0.0  # turns -0.0 into 0.0


def _power(base: _Num, exp: _Num) -> _Num:
    """Return base ** exp, refusing results that are complex, infinite or too large.

    Args:
        base: the base.
        exp: the exponent.
    """
    b, e = base.value, exp.value
    if b == 0 and e < 0:
        raise ToolInputError("division by zero: 0 raised to a negative power")
    if b < 0 and not e.is_integer():
        raise ToolInputError("a negative number to a fractional power has no real value")
    # Decided by logarithm first, so that 9^9^9^9 fails at once instead of computing.
    if b != 0 and e * math.log10(abs(b)) > _LOG10_MAX:
        raise ToolInputError(f"{b:g}^{e:g} exceeds ±{LIMIT}; check the exponent")
    value = _checked(math.pow(b, e))
    if base.usd == 0 or (exp.usd == 0 and base.usd is not None and e in (-2, -1, 0, 1, 2, 3)):
        return _Num(value, 0 if base.usd == 0 else base.usd * int(e))
    return _Num(value, None)


def _combine(op: str, a: _Num, b: _Num) -> _Num:
    """Return ``a op b`` for + - * /, with the USD power of the result.

    Args:
        op: one of "+", "-", "*", "/".
        a: the left operand.
        b: the right operand.
    """
    if op == "+":
        value = a.value + b.value
    elif op == "-":
        value = a.value - b.value
    elif op == "*":
        value = a.value * b.value
    elif b.value == 0:
        raise ToolInputError("division by zero; check the divisor")
    else:
        value = a.value / b.value
    if a.usd is None or b.usd is None:
        usd = None
    elif op in "+-":
        usd = a.usd if a.usd == b.usd else None
    else:
        usd = a.usd + b.usd if op == "*" else a.usd - b.usd
    return _Num(_checked(value), usd)


class _Parser:
    """Recursive-descent evaluator over a token list (see the module grammar)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> str:
        """Return the kind of the next token, or "end"."""
        return self.tokens[self.i].kind if self.i < len(self.tokens) else "end"

    def take(self) -> _Token:
        """Consume and return the next token; raise if the expression ended early."""
        if self.i >= len(self.tokens):
            raise ToolInputError("the expression ends early: a number or ')' is missing")
        self.i += 1
        return self.tokens[self.i - 1]

    def run(self) -> _Num:
        """Evaluate the whole token list."""
        result = self.expr()
        if self.i < len(self.tokens):
            tok = self.tokens[self.i]
            hint = " (write * for multiplication)" if tok.kind in ("num", "(") else ""
            raise ToolInputError(f"unexpected {tok.text!r} after a complete expression{hint}")
        return result

    def expr(self) -> _Num:
        """Parse expr := term (('+' | '-') term)*."""
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take().kind
            left = _combine(op, left, self.term())
        return left

    def term(self) -> _Num:
        """Parse term := unary (('*' | '/') unary)*."""
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take().kind
            left = _combine(op, left, self.unary())
        return left

    def unary(self) -> _Num:
        """Parse unary := ('+' | '-') unary | power; every operand passes here, so count depth."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ToolInputError(
                f"the expression nests deeper than {MAX_DEPTH} levels; simplify it"
            )
        if self.peek() in ("+", "-"):
            sign = self.take().kind
            inner = self.unary()
            result = _Num(-inner.value + 0.0, inner.usd) if sign == "-" else inner
        else:
            result = self.power()
        self.depth -= 1
        return result

    def power(self) -> _Num:
        """Parse power := atom ('^' unary)?."""
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return _power(base, self.unary())
        return base

    def atom(self) -> _Num:
        """Parse atom := NUMBER | '(' expr ')'."""
        tok = self.take()
        if tok.kind == "num":
            return _Num(tok.value, 1 if tok.usd else 0)
        if tok.kind == "(":
            inner = self.expr()
            if self.peek() != ")":
                raise ToolInputError("a '(' is not closed; add the missing ')'")
            self.take()
            return inner
        raise ToolInputError(f"expected a number or '(' but found {tok.text!r}")


def _plain(x: float) -> str:
    """Return a literal's value written out: "2788000", "1.27", "3.8e25".

    Args:
        x: the value.
    """
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return _short(f"{x:.12g}")


def _short(text: str) -> str:
    """Return a formatted number with its exponent tidied: "5.576000e+06" -> "5.576e6".

    Args:
        text: a number formatted by Python.
    """
    if "e" not in text:
        return text
    mantissa, exp = text.split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exp)}"


def _result_text(x: float) -> str:
    """Return the result for the formula: exponent form from a million up, "5.576e6".

    Args:
        x: the result.
    """
    if abs(x) >= 1e6 or 0 < abs(x) < 1e-4:
        return _short(f"{x:.9e}")
    return _short(f"{x:.10g}")


def _normalized(tokens: list[_Token]) -> str:
    """Return the expression with numbers written out and operators spaced: "2788000 * 2".

    Args:
        tokens: the expression's tokens.
    """
    out: list[str] = []
    glue = True
    for i, tok in enumerate(tokens):
        piece = ("$" if tok.usd else "") + _plain(tok.value) if tok.kind == "num" else tok.kind
        out.append(piece if glue or tok.kind == ")" else " " + piece)
        unary = tok.kind in ("+", "-") and (i == 0 or tokens[i - 1].kind not in _VALUE_END)
        glue = unary or tok.kind == "("
    return "".join(out)


def _notes(tokens: list[_Token], usd: int | None) -> list[str]:
    """Return the readings the result relied on, for its assumptions.

    Args:
        tokens: the expression's tokens.
        usd: the USD power of the result.
    """
    notes = []
    if any(t.text in ("x", "X", "×", "·") for t in tokens):
        notes.append("'x' and '×' between numbers read as multiplication")
    if any("^" in t.text for t in tokens if t.kind == "num"):
        notes.append("'e^' inside a number is an exponent of ten: 9e^17 = 9 × 10^17")
    if any(t.scaled for t in tokens):
        notes.append("scales: K = 1e3, M = 1e6, B = bn = 1e9, T = 1e12 (short scale)")
    if usd is None:
        notes.append("dollars are added to plain numbers or raised to a power: unit left blank")
    elif usd not in (0, 1):
        notes.append(f"the result is in USD^{usd}; unit left blank")
    return notes


class CalculateArgs(Args):
    """Arguments of calculate."""

    expression: str = Field(
        description="arithmetic on numbers only, e.g. '2.788M * 2', '6 * 37B * 14.8T', "
        f"'$5.328M + $0.238M', '3.49 x 10^6 * 365', or on the variables x1-x4: 'x1 / x2'; at most "
        f"{MAX_LENGTH} characters"
    )
    x1: float | None = Field(default=None, description="value of the name x1 in the expression")
    x2: float | None = Field(default=None, description="value of the name x2 in the expression")
    x3: float | None = Field(default=None, description="value of the name x3 in the expression")
    x4: float | None = Field(default=None, description="value of the name x4 in the expression")


class CalculateResult(ToolResult):
    """The value of an expression, with the expression as it was read."""

    value: Value = Field(description="the result, exact (low == mid == high); unit USD or ''")
    normalized: str = Field(description="the expression with every number written out")


def calculate(args: CalculateArgs) -> CalculateResult:
    """Evaluate + - * / ^ ( ) over numbers like 2,048, 2.788M, 3.8e25, $5.5M; no names or calls.

    Numbers may have comma groups, decimals, K/M/B/T suffixes or scale words ("5.5 million"),
    or be the variables x1-x4, passed as arguments ("x1 / x2");
    e-notation ("3.8e25", "9e^17" = 9e17) and a "$"/"US$" sign; the result is in USD when one
    dollar factor remains ("$2 * 2.788M", not "$5.5M / $2"). "**" is "^", and "x" or "×"
    between two numbers multiplies.
    Refused: names, units, functions, "%", "=", implicit multiplication ("2(3)"), division by
    zero, values beyond ±1e40, more than 500 characters or 40 levels of nesting.

    Args:
        args: the expression.
    """
    expr = args.expression
    if len(expr) > MAX_LENGTH:
        raise ToolInputError(
            f"the expression has {len(expr)} characters (max {MAX_LENGTH}); split it into steps"
        )
    given = {n: getattr(args, n) for n in VARIABLES if getattr(args, n) is not None}
    tokens = _tokenize(expr, given)
    if not tokens:
        raise ToolInputError("the expression is empty; pass e.g. '2.788M * 2'")
    result = _Parser(tokens).run()
    unit = "USD" if result.usd == 1 else ""
    normalized = _normalized(tokens)
    shown = " ".join(expr.split())
    steps = (
        [shown] if shown.replace(" ", "") == normalized.replace(" ", "") else [shown, normalized]
    )
    shown_result = ("$" if unit else "") + _result_text(result.value)
    if shown_result != steps[-1]:
        steps.append(shown_result)
    return CalculateResult(
        value=Value.exact(result.value, unit),
        formula=" = ".join(steps),
        assumptions=_notes(tokens, result.usd),
        normalized=normalized,
    )


def calculate_value(expression: str) -> float:
    """Return the value of an expression of numbers (raises ToolInputError when it has none).

    Args:
        expression: e.g. "4184 * 834".
    """
    return calculate(CalculateArgs(expression=expression)).value.mid


class SpanArgs(Args):
    """Arguments of span."""

    low: float = Field(description="one end of the range")
    high: float = Field(description="the other end of the range")
    unit: str | None = Field(default=None, description="the unit of both ends, e.g. USD")


class SpanResult(ToolResult):
    """A range between two figures."""

    value: Value = Field(description="low, mid (the midpoint) and high")


def span(args: SpanArgs) -> SpanResult:
    """A range between two figures (e.g. a cost at two precisions), to compare a claim with.

    Args:
        args: the two ends, in either order, and their unit.
    """
    unit = (args.unit or "").strip()
    if len(unit) > _MAX_UNIT:
        raise ToolInputError(f"unit is {len(unit)} characters; give a unit name such as 'USD'")
    low, high = sorted((_checked(args.low), _checked(args.high)))
    mid = (low + high) / 2
    return SpanResult(
        value=Value(low=low, mid=mid, high=high, unit=unit),
        formula=f"between {_result_text(low)} and {_result_text(high)} {unit}".rstrip(),
    )
