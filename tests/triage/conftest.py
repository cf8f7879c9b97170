import pytest
from django.core.cache import cache

from tests.triage.samples import rows
from xinfang.triage import categories, store
from xinfang.triage.model import analyse_all, train


@pytest.fixture
def no_model(settings, tmp_path, monkeypatch):
    """No deployment model and no shipped model: suggestions must come from keywords."""
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "absent.npz")
    monkeypatch.setattr(store, "SHIPPED_MODEL", tmp_path / "also-absent.npz")
    store.clear_cache()
    categories.clear_cache()
    yield
    store.clear_cache()
    categories.clear_cache()


_small = {}


@pytest.fixture
def small_model_file(settings, tmp_path, monkeypatch):
    """The deployment model is one trained on the small test set (3 top-level labels)."""
    if "model" not in _small:
        bodies, labels = zip(*rows(), strict=True)
        _small["model"] = train(analyse_all([""] * len(bodies), list(bodies)), list(labels))
    path = _small["model"].save(tmp_path / "model.npz")
    settings.TRIAGE_MODEL_PATH = str(path)
    monkeypatch.setattr(store, "SHIPPED_MODEL", tmp_path / "absent.npz")
    store.clear_cache()
    categories.clear_cache()
    yield path
    store.clear_cache()
    categories.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Past routing is cached per (county, category); every test starts without it."""
    cache.clear()
    yield
    cache.clear()
