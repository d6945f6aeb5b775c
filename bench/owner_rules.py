"""The first version's extraction rules (OCRClass.find_fund_code, find_have_shares, shares_handle,
correct_money), kept as they were, to compare against `ocr_service.extract` on the same OCR output.

They read the texts alone, in OCR order. The original raised IndexError when a share label sat in the last
two lines; `owner_extract` returns None for that (a crash, which the bench counts as a wrong answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def find_fund_code(text: str) -> list[str]:
    tmp_fund_code_list = re.findall(r"\d{6}", text)
    if not tmp_fund_code_list:
        return []
    tmp_index = text.find(tmp_fund_code_list[0])
    if tmp_index + 6 > len(text) - 1:
        return tmp_fund_code_list
    tmp_after_char = text[tmp_index + 6]
    if 0 == tmp_index:
        if "." == tmp_after_char:
            return []
        if tmp_after_char.isdigit():
            return []
    tmp_pre_char = text[tmp_index - 1]
    if tmp_pre_char in ["-", "+", "."]:
        return []
    return tmp_fund_code_list


def find_have_shares(text: str, index: int, data: list[dict]) -> str | int:
    if "份额" in text:
        if "可用份额" in text:
            return shares_handle(text, "可用份额", data, index)
        elif "持有份额" in text and ("可用份额" not in data[index + 1]["text"] and "可用份额" not in data[index + 2]["text"]):
            return shares_handle(text, "持有份额", data, index)
    elif "可用" in text:
        return shares_handle(text, "可用", data, index)
    return -1


def shares_handle(text: str, flag_text: str, data: list[dict], index: int) -> str | int:
    money_pattern = r"[\d|,|.]+"
    tmp_money = re.findall(money_pattern, text)
    tmp_flag_text_index = text.find(flag_text)
    if tmp_money and tmp_money[0] in text[tmp_flag_text_index:]:
        return tmp_money[0]
    next_text = data[index + 1]["text"]
    tmp_money = re.findall(money_pattern, next_text)
    if tmp_money:
        return tmp_money[0]
    return -1


def correct_money(money_num: str) -> str:
    if 3 <= len(money_num):
        if "." == money_num[-3]:
            tmp_money = money_num[:-3].replace(",", "").replace(".", "")
            tmp_money = tmp_money + money_num[-3:]
        else:
            tmp_money = money_num.replace(",", "").replace(".", "")
    else:
        return money_num
    return tmp_money


def owner_extract(texts: Sequence[str]) -> tuple[str, str, bool] | None:
    """(fund_code, hold_share, flag) as OCRClass.ocr_handler decided them; None where it raised IndexError."""
    data = [{"text": text} for text in texts]
    fund_code: list[str] = []
    have_shares: list[str] = []
    try:
        for index, information in enumerate(data):
            text = information["text"]
            tmp_fund_code = find_fund_code(text)
            if tmp_fund_code:
                fund_code.append(tmp_fund_code[0])
                continue
            tmp_money = find_have_shares(text, index, data)
            if -1 != tmp_money:
                have_shares.append(correct_money(tmp_money))
    except IndexError:
        return None
    flag = bool(len(fund_code) == 1 and len(have_shares) == 1)
    return (fund_code[0], have_shares[0], True) if flag else ("", "", False)
