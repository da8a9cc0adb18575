"""Static checks for a team's FastAPI conventions: a flake8 plugin and a CLI."""

__version__ = "0.1.0"
