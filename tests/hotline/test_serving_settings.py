"""PostgreSQL behind the hotline gets a connection pool per process: under ASGI every request
runs in a thread of its own, and persistent connections per thread ran PostgreSQL out."""

from patroon import settings as patroon_settings

POSTGRES = "postgres://patroon@db:5432/patroon"


def test_postgresql_gets_a_pool_and_no_persistent_connections(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "8")
    config = patroon_settings._database(POSTGRES)
    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10.0}
    assert config["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_the_pool_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL", "0")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    config = patroon_settings._database(POSTGRES)
    assert "pool" not in config["OPTIONS"]
    assert config["CONN_MAX_AGE"] == 30


def test_sqlite_has_no_pool(tmp_path):
    config = patroon_settings._database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert "pool" not in config["OPTIONS"]
