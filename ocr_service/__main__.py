"""`python -m ocr_service PATH ...`; see ocr_service.cli."""

import warnings

# paddle warns on import that ccache, a compiler cache for custom operators, is missing; nothing here compiles.
warnings.filterwarnings("ignore", message="No ccache found")

from ocr_service.cli import main

raise SystemExit(main())
