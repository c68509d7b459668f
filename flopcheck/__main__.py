"""Allow ``python -m flopcheck``."""

from flopcheck.plugin.cli import main

raise SystemExit(main())
