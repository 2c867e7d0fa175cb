"""``python -m helpers.demo``: regenerate the demo engagements' survey and funnel exports."""

import sys

from helpers.demo.generator import main

sys.exit(main())
