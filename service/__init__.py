"""One request's story without HTTP: fetch, OCR, rules, NER, decision, storage, corrections."""
