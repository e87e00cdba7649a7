"""The bundle's entry point: the same ``main()`` as the ``unionapp`` console script."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
