"""Aftercare, the after-sale companion for independent shops."""

import time

# When the app's own code began to load: start-up figures (--exit-when-shown) count from here.
STARTED = time.perf_counter()
