"""Local government codes (全国地方公共団体コード, JIS X 0402): 5 digits and a check digit."""

from __future__ import annotations

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(code5: str) -> int:
    """The check digit of a 5-digit code: (11 − Σ dᵢwᵢ mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(code5, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def lg_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid 6-digit local government code, or None when it is."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return f"団体コード {code!r} は6桁の数字ではありません"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"団体コード {code!r} の検査数字が誤っています（正しくは {code[:5]}{expected}）"
    return None


def is_valid_lg_code(code: str) -> bool:
    return lg_code_error(code) is None


def pref_code_of(code: str) -> str:
    return code[:2]
