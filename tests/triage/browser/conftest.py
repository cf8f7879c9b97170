# The shared browser fixtures (chromium, live server, reference-data snapshot).
from tests.browser.conftest import *  # noqa: F403
