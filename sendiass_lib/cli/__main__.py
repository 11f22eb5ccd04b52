"""`python -m sendiass_lib.cli`: the `sendiass` command."""

import sys

from . import main

sys.exit(main())
