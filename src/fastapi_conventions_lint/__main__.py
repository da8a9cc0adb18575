import sys

from fastapi_conventions_lint.cli import main

sys.exit(main())
