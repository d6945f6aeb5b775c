"""Storage of OCR answers and staff corrections (SQLAlchemy Core over aiomysql or aiosqlite)."""
