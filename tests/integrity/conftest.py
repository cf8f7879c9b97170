import pytest


@pytest.fixture(autouse=True)
def fresh_idf():
    """The recent-cases sample is cached per process; each test starts from its own data."""
    from xinfang.integrity.vocabulary import forget_sample

    forget_sample()
    yield
    forget_sample()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run enqueued tasks at once, so repeat matching (a worker task enqueued on
    commit) completes inside the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
