from ner_service.types import Entity
from ocr_service.types import Extraction
from service.decide import Decision, decide

NONE = Extraction(fund_code="", hold_share="", flag=False)


def _page(*parts: tuple[str, str | None]) -> tuple[str, list[Entity]]:
    """Text from (piece, entity type or None) parts, and the entities they make."""
    text, entities = "", []
    for piece, kind in parts:
        if kind:
            entities.append(Entity(kind, piece, len(text), len(text) + len(piece)))
        text += piece
    return text, entities


def test_rules_that_flag_win_and_agreement_is_reported():
    rules = Extraction(fund_code="161725", hold_share="1234.56", flag=True, fund_codes=("161725",), shares=("1234.56",))
    text, entities = _page(("代码 ", None), ("161725", "FUND_CODE"), ("\n可用份额 ", None), ("1,234.56", "AVAILABLE_SHARE"))
    assert decide(rules, entities, text) == Decision("161725", "1234.56", True, "both")
    text, entities = _page(("代码 ", None), ("000001", "FUND_CODE"), ("\n可用份额 ", None), ("99.00", "AVAILABLE_SHARE"))
    assert decide(rules, entities, text) == Decision("161725", "1234.56", True, "rules")
    assert decide(rules, [], "") == Decision("161725", "1234.56", True, "rules")


def test_the_model_fills_in_when_the_rules_find_nothing_and_available_beats_held():
    text, entities = _page(
        ("医疗保健ETF", "FUND_NAME"), ("162524", "FUND_CODE"), ("\n持有份额 ", None), ("3,065.83", "HOLD_SHARE"),
        ("\n可用份额 ", None), ("2,000.00", "AVAILABLE_SHARE"),
    )
    assert decide(NONE, entities, text) == Decision("162524", "2000.00", True, "ner")


def test_held_share_counts_when_no_available_share_is_tagged_and_code_look_alikes_are_read_as_digits():
    text, entities = _page(("基金代码 ", None), ("O16O64", "FUND_CODE"), ("\n持仓 ", None), ("88.5", "HOLD_SHARE"))
    assert decide(NONE, entities, text) == Decision("016064", "88.5", True, "ner")


def test_the_model_singles_out_one_of_several_rule_candidates():
    rules = Extraction(fund_code="", hold_share="", flag=False, fund_codes=("162524", "430252"), shares=("100.00",))
    text, entities = _page(("162524", "FUND_CODE"), ("\n邮编 430252\n可用 ", None), ("100.00", "AVAILABLE_SHARE"))
    assert decide(rules, entities, text) == Decision("162524", "100.00", True, "ner")


def test_one_field_from_each_side_is_both():
    rules = Extraction(fund_code="", hold_share="", flag=False, fund_codes=("162524",), shares=("5.00", "6.00"))
    text, entities = _page(("代码162524\n可用份额 ", None), ("6.00", "AVAILABLE_SHARE"))
    assert decide(rules, entities, text) == Decision("162524", "6.00", True, "both")


def test_several_values_of_a_field_give_no_answer():
    no_answer = Decision("", "", False, "rules")
    text, entities = _page(("000001", "FUND_CODE"), ("\n", None), ("000002", "FUND_CODE"), ("\n持有 ", None), ("10.00", "HOLD_SHARE"))
    assert decide(NONE, entities, text) == no_answer
    text, entities = _page(("000001", "FUND_CODE"), (" ", None), ("1.00", "AVAILABLE_SHARE"), (" ", None), ("2.00", "AVAILABLE_SHARE"))
    assert decide(NONE, entities, text) == no_answer
    # a rule candidate does not overrule a model that saw several codes
    rules = Extraction(fund_code="", hold_share="", flag=False, fund_codes=("000001",), shares=())
    text, entities = _page(("000001", "FUND_CODE"), (" ", None), ("000002", "FUND_CODE"), (" ", None), ("1.00", "HOLD_SHARE"))
    assert decide(rules, entities, text) == no_answer


def test_same_value_twice_is_one_value_and_nothing_found_is_no_answer():
    text, entities = _page(("000001", "FUND_CODE"), ("\n", None), ("000001", "FUND_CODE"), ("\n", None), ("1,000.00", "HOLD_SHARE"), (" ", None), ("1000.00", "HOLD_SHARE"))
    assert decide(NONE, entities, text) == Decision("000001", "1000.00", True, "ner")
    assert decide(NONE, [], "") == Decision("", "", False, "rules")


def test_entities_that_do_not_point_into_the_text_are_ignored():
    entities = [Entity("FUND_CODE", "000001", 0, 6), Entity("HOLD_SHARE", "1.00", 7, 11)]
    assert decide(NONE, entities, "another text entirely").flag is False
