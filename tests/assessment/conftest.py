"""Assessment tests reuse the disclosure factories: cases created directly at
pinned Beijing times, signed letters and petitioners."""

from tests.assessment.test_rates_table import month  # noqa: F401,E402
from tests.disclosure.conftest import _fresh_state, add_petitioner, bj, make_case, sign_letter  # noqa: F401
from tests.disclosure.test_rates import september  # noqa: F401,E402
