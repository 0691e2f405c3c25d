"""``python -m knowledgebase``: the same as the ``kb`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process imports it
    sys.exit(main())
