"""Facts about one file, extracted in one traversal of its `ast` tree.

The two names are loaded on first use: modules that need only a part of the package (the
prefix values, the model) do not pay for the extraction's imports."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.facts.extract import extract_facts
    from fastapi_conventions_lint.facts.model import FileFacts

__all__ = ["FileFacts", "extract_facts"]


def __getattr__(name: str) -> Any:
    if name == "extract_facts":
        from fastapi_conventions_lint.facts.extract import extract_facts

        return extract_facts
    if name == "FileFacts":
        from fastapi_conventions_lint.facts.model import FileFacts

        return FileFacts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
