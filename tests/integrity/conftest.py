import pytest


@pytest.fixture(autouse=True)
def fresh_idf():
    """The recent-cases sample is cached per process; each test starts from its own data."""
    from xinfang.integrity.vocabulary import forget_sample

    forget_sample()
    yield
    forget_sample()
