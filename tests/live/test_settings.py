from __future__ import annotations

import pytest

from ember.live import ConfigurationError, Ember, LiveSettings, load_settings
from ember.live._settings import DEVELOPMENT_SECRET_KEY


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("EMBER_MAX_FRAME_BYTES", "2048")
    monkeypatch.setenv("EMBER_ALLOWED_ORIGINS", '["https://app.example"]')
    settings = load_settings()
    assert settings.max_frame_bytes == 2048
    assert settings.allowed_origins == ["https://app.example"]


def test_a_bad_variable_is_named_with_its_value(monkeypatch):
    monkeypatch.setenv("EMBER_MAX_FRAME_BYTES", "lots")
    monkeypatch.setenv("EMBER_EVENTS_PER_SECOND", "-1")
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    message = str(error.value)
    assert "EMBER_MAX_FRAME_BYTES='lots'" in message
    assert "valid integer" in message
    assert "EMBER_EVENTS_PER_SECOND='-1'" in message


def test_ember_fails_at_start_not_per_request(monkeypatch):
    monkeypatch.setenv("EMBER_TOKEN_MAX_AGE_SECONDS", "never")
    with pytest.raises(ConfigurationError, match="EMBER_TOKEN_MAX_AGE_SECONDS"):
        Ember()


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setenv("EMBER_ENV", "production")
    monkeypatch.delenv("EMBER_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="EMBER_SECRET_KEY is not set"):
        load_settings()
    monkeypatch.setenv("EMBER_SECRET_KEY", "a-long-random-production-secret-0123456789")
    assert load_settings().env == "production"


def test_development_accepts_the_development_key(monkeypatch):
    monkeypatch.delenv("EMBER_SECRET_KEY", raising=False)
    monkeypatch.delenv("EMBER_ENV", raising=False)
    assert LiveSettings().secret_key == DEVELOPMENT_SECRET_KEY
