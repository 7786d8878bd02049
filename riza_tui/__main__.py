import sys

from riza_tui.cli import main

sys.exit(main())
