"""`python -m polku ...`: see polku/cli.py."""

import sys

from polku.cli import main

sys.exit(main())
