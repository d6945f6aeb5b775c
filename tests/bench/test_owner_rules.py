"""The first version's rules, kept as they behaved, crash included (as None)."""

from bench.owner_rules import correct_money, find_fund_code, owner_extract


def test_correct_money_as_written():
    assert correct_money("12.345.67") == "12345.67"
    assert correct_money("12,345.67") == "12345.67"
    assert correct_money("1.234") == "1234"
    assert correct_money("1234.5678") == "12345678"  # four decimals lost, as in the original
    assert correct_money("60") == "60"


def test_find_fund_code_as_written():
    assert find_fund_code("005827") == ["005827"]
    assert find_fund_code("易方达蓝筹(005827)") == ["005827"]
    assert find_fund_code("123456.78") == []
    assert find_fund_code("+123456.78") == []
    assert find_fund_code("13812345678") == []
    assert find_fund_code("手机 13812345678") == ["138123"]  # a phone number taken for a code


def test_owner_extract_answers_and_crashes():
    assert owner_extract(["005827", "持有份额 9,000.00", "可用份额", "8,000.00"]) == ("005827", "8000.00", True)
    # held shares are dropped only when available shares come in the next two lines
    assert owner_extract(["005827", "可用份额", "8,000.00", "持有份额 9,000.00", "x", "y"]) == ("", "", False)
    assert owner_extract(["005827", "持有份额"]) is None  # IndexError in the original
    assert owner_extract(["005827", "可用份额"]) is None
    assert owner_extract(["005827", "000001", "可用份额 1.00"]) == ("", "", False)
