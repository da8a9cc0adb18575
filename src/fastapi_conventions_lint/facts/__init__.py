"""Facts about one file, extracted in one traversal of its `ast` tree."""

from fastapi_conventions_lint.facts.extract import extract_facts
from fastapi_conventions_lint.facts.model import FileFacts

__all__ = ["FileFacts", "extract_facts"]
