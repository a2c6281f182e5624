"""Local government codes (issue 2 item 3): JIS X 0402 check digit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.lgcode import check_digit, is_valid_lg_code, lg_code_error


def test_known_codes() -> None:
    for code in ("011002", "131016", "133817", "134015", "402311", "472018"):
        assert is_valid_lg_code(code), code
    assert not is_valid_lg_code("131017")
    assert "6桁" in (lg_code_error("13101") or "")


@given(st.from_regex(r"\A[0-9]{5}\Z"), st.integers(0, 9))
def test_exactly_one_check_digit_is_valid(code5: str, digit: int) -> None:
    assert is_valid_lg_code(code5 + str(digit)) == (digit == check_digit(code5))
