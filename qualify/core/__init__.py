"""The functional core: the question-set format, conditions, scoring, gates and assessment.

Pure: nothing here writes a file, opens a database or imports Textual, click, TinyDB
or psycopg (an import-linter contract in pyproject.toml checks it).
"""
