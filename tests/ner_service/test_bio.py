from ner_service import bio


def test_spans_of_bio_including_stray_inside_tags():
    labels = ["B-A", "I-A", "O", "I-B", "I-B", "B-A", "B-A", "I-B"]
    assert bio.spans(labels) == [("A", 0, 2), ("B", 3, 5), ("A", 5, 6), ("A", 6, 7), ("B", 7, 8)]
    assert bio.spans([]) == []


def test_labels_from_spans_round_trip_and_repair():
    labels = bio.labels_from_spans(6, [("X", 0, 2), ("Y", 3, 6)])
    assert labels == ["B-X", "I-X", "O", "B-Y", "I-Y", "I-Y"]
    assert bio.spans(labels) == [("X", 0, 2), ("Y", 3, 6)]
    assert bio.repair(["I-X", "I-X", "O", "I-Y"]) == ["B-X", "I-X", "O", "B-Y"]


def test_bmes_to_bio():
    assert bio.from_bmes(["B-N", "M-N", "E-N", "S-O", "O", "S-N", "S-N"]) == ["B-N", "I-N", "I-N", "B-O", "O", "B-N", "B-N"]
