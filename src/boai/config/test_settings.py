"""Settings for the test suite: the normal settings with BOAI_ENV=test (fast hashing, no debug)."""

import os

os.environ.setdefault("BOAI_ENV", "test")

from boai.config.settings import *  # noqa: E402,F403
