import random

from ner_service import bio
from ner_service.data import augment
from ner_service.data.sample import Sample

TEXT = "基金代码 000001\n可用份额\n1,234.56\n日期 2024-01-05"
PAGE = Sample.of(TEXT, bio.labels_from_spans(len(TEXT), [("FUND_CODE", 5, 11), ("AVAILABLE_SHARE", 17, 25), ("DATE", 29, 39)]))


def _valid(sample: Sample) -> None:
    assert len(sample.chars) == len(sample.labels)
    assert list(sample.labels) == bio.repair(sample.labels)


def test_fixture_spans():
    assert [PAGE.chars[a:b] for _, a, b in PAGE.spans] == ["000001", "1,234.56", "2024-01-05"]


def test_swap_replaces_entities_with_same_type_texts_and_keeps_the_rest():
    pool = {"FUND_CODE": ["161725"], "AVAILABLE_SHARE": ["88.8"], "DATE": ["05-01"]}
    swapped = augment.swap_entities(PAGE, random.Random(0), pool, p=1.0)
    _valid(swapped)
    assert swapped.chars == "基金代码 161725\n可用份额\n88.8\n日期 05-01"
    assert [(k, swapped.chars[a:b]) for k, a, b in swapped.spans] == [
        ("FUND_CODE", "161725"), ("AVAILABLE_SHARE", "88.8"), ("DATE", "05-01")
    ]
    assert augment.swap_entities(PAGE, random.Random(0), pool, p=0.0) == PAGE


def test_look_alike_confusions_change_only_confusable_characters():
    noisy = augment.confuse_chars(PAGE, random.Random(1), p=1.0)
    _valid(noisy)
    assert noisy.labels == PAGE.labels
    for before, after in zip(PAGE.chars, noisy.chars):
        assert after == before or after in augment.CONFUSIONS[before]
    assert noisy.chars != PAGE.chars
    assert "分" in augment.CONFUSIONS["份"] and "O" in augment.CONFUSIONS["0"] and "," in augment.CONFUSIONS["，"]


def test_dropped_and_doubled_characters_keep_labels_in_step():
    rng = random.Random(2)
    for _ in range(50):
        noisy = augment.drop_and_double(PAGE, rng, p=0.3)
        _valid(noisy)
        assert noisy.chars.count("\n") == PAGE.chars.count("\n")
        for kind, start, end in noisy.spans:
            assert kind in {"FUND_CODE", "AVAILABLE_SHARE", "DATE"} and end > start


def test_merged_and_split_lines():
    merged = augment.merge_lines(PAGE, random.Random(3), p=1.0)
    _valid(merged)
    assert "\n" not in merged.chars
    assert [merged.chars[a:b] for _, a, b in merged.spans] == ["000001", "1,234.56", "2024-01-05"]
    split = augment.split_lines(PAGE, random.Random(3), p=1.0)
    assert split.chars == PAGE.chars.replace(" ", "\n") and split.labels == PAGE.labels


def test_lost_spaces():
    squeezed = augment.drop_spaces(PAGE, random.Random(5), p=1.0)
    _valid(squeezed)
    assert squeezed.chars == PAGE.chars.replace(" ", "")
    assert [squeezed.chars[a:b] for _, a, b in squeezed.spans] == ["000001", "1,234.56", "2024-01-05"]


def test_entity_pool_and_full_noise_stay_valid():
    pool = augment.entity_pool([PAGE])
    assert pool == {"FUND_CODE": ["000001"], "AVAILABLE_SHARE": ["1,234.56"], "DATE": ["2024-01-05"]}
    rng = random.Random(4)
    for _ in range(100):
        _valid(augment.ocr_noise(PAGE, rng, pool, strength=3.0))
