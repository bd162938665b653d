"""`python3 -m tessera` (what ./tessera runs)."""
import sys

from tessera.cli import main

sys.exit(main())
