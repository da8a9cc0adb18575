from fastapi_conventions_lint.cli import run

run()
