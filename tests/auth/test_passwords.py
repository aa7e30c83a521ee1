"""Password hashing: production uses RFC 9106's low-memory Argon2id profile; tests hash cheaply."""

from argon2 import extract_parameters, profiles

from elearn import create_app
from elearn.auth import passwords


def test_production_hashes_with_the_rfc_9106_low_memory_profile(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})  # the defaults
    with app.app_context():
        hashed = passwords.hash_password("correct horse battery staple")
        assert passwords.verify_password(hashed, "correct horse battery staple")
        assert not passwords.needs_rehash(hashed)
    parameters = extract_parameters(hashed)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (65536, 3, 4)
    assert parameters == profiles.RFC_9106_LOW_MEMORY


def test_a_cheap_test_hash_is_upgraded_under_the_production_profile(app, tmp_path):
    with app.app_context():
        cheap = passwords.hash_password("correct horse battery staple")
    assert extract_parameters(cheap).memory_cost == profiles.CHEAPEST.memory_cost
    production = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    with production.app_context():
        assert passwords.verify_password(cheap, "correct horse battery staple")
        assert passwords.needs_rehash(cheap)
