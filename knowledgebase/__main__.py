"""``python -m knowledgebase``: the same as the ``kb`` command."""

import sys

from .cli import main

sys.exit(main())
