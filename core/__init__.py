"""Settings and values every layer shares; imports nothing of the project."""
