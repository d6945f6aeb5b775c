from ner_service import bio
from ner_service.data.align import align_labels


def _entities(text, labels):
    return [(kind, text[a:b]) for kind, a, b in bio.spans(labels)]


REFERENCE = "可用份额3,065.83份"
LABELS = bio.labels_from_spans(len(REFERENCE), [("AVAILABLE_SHARE", 4, 12)])


def test_identical_text_keeps_its_labels():
    assert align_labels(REFERENCE, REFERENCE, LABELS) == LABELS


def test_misread_added_and_dropped_characters():
    assert _entities("可用份额 3,O65.83份", align_labels("可用份额 3,O65.83份", REFERENCE, LABELS)) == [
        ("AVAILABLE_SHARE", "3,O65.83")
    ]
    assert _entities("可用份额3,0665.83分", align_labels("可用份额3,0665.83分", REFERENCE, LABELS)) == [
        ("AVAILABLE_SHARE", "3,0665.83")
    ]
    assert _entities("可用份额3,065.8", align_labels("可用份额3,065.8", REFERENCE, LABELS)) == [
        ("AVAILABLE_SHARE", "3,065.8")
    ]


def test_two_cells_read_as_one_line_keep_two_entities():
    reference = "医疗保健ETF162524"
    labels = bio.labels_from_spans(len(reference), [("FUND_NAME", 0, 7), ("FUND_CODE", 7, 13)])
    line = "医疗保健ETF 162524"
    assert _entities(line, align_labels(line, reference, labels)) == [("FUND_NAME", "医疗保健ETF"), ("FUND_CODE", "162524")]


def test_text_with_no_reference_is_outside_any_entity():
    assert align_labels("12:30", "", []) == ["O"] * 5
