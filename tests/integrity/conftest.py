import pytest


@pytest.fixture(autouse=True)
def fresh_idf():
    """The idf sample is cached per process; each test starts from its own data."""
    from xinfang.integrity.vocabulary import forget_idf

    forget_idf()
    yield
    forget_idf()
