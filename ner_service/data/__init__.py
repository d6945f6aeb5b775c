"""Training data for the holdings NER model: synthetic screenshot pages and their text."""
