import sys

from riza_tui.cli.main import main

sys.exit(main())
