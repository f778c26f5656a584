"""The signed session token a page embeds and its websocket presents (format version 4).

A token binds one server-side session id to the mount path of the page that issued it and
to the identity the page was rendered for (a fingerprint, see :func:`identity_fingerprint`;
a socket that presents another identity is refused), and carries the flash the page was
loaded with (put before a ``push_navigate`` or
``redirect`` on the previous page). It is signed with the app's secret key (HMAC-SHA256 with a
per-purpose salt) and expires. Change ``TOKEN_VERSION`` whenever the
payload changes: tokens of another version are refused and the browser reloads the page
to get a fresh one.

The token is ``<payload>.<signature>``: the payload is compact JSON (version, session id,
mount path, issue time in whole seconds, and the identity fingerprint and flash when there
are any) in unpadded URL-safe base64, the signature HMAC-SHA256 over that text with a key
derived once from the secret key and a per-purpose salt. Signing and checking a token cost
a few microseconds each (one JSON document, one HMAC), on every page and every socket.

The flash itself crosses the page load in the ``ember_flash`` cookie, signed with a salt
of its own and good for :data:`FLASH_MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .._errors import TokenError

logger = logging.getLogger("ember.live")

TOKEN_VERSION = 4
FLASH_COOKIE = "ember_flash"
FLASH_MAX_AGE_SECONDS = 60
_SALT = "ember.live.session-token"
_FLASH_SALT = "ember.live.flash"


@dataclass(frozen=True, slots=True)
class SessionToken:
    """What a verified token says: which session, issued for which mount path, and the
    flash its page was loaded with."""

    session_id: str
    mount_path: str
    flash: Mapping[str, str] = field(default_factory=dict)
    identity: str = ""
    """The fingerprint of the identity the page was rendered for ("" for none)."""
    issued_at: float = 0.0
    """When the page signed it (``time.time()``; 0 for a token not yet signed)."""


def identity_fingerprint(identity: object, session_id: str) -> str:
    """A fingerprint of ``identity`` (the ``identity`` dependency's value) for one session.

    Equal identities give equal fingerprints on the page request and on the websocket:
    a string or number by value, an object with an ``id`` attribute (a user model) by its
    type and id, a pydantic model or a mapping by its JSON. None (anonymous) gives "". The
    session id salts the hash, so a token says nothing about who the user is.
    """
    if identity is None:
        return ""
    if isinstance(identity, str | int | float | bool):
        text = f"{type(identity).__name__}:{identity}"
    elif getattr(identity, "id", None) is not None and not callable(identity.id):  # type: ignore[attr-defined]
        text = f"{type(identity).__qualname__}:id:{identity.id}"  # type: ignore[attr-defined]
    elif hasattr(identity, "model_dump_json"):
        text = f"{type(identity).__qualname__}:{identity.model_dump_json()}"
    elif isinstance(identity, Mapping):
        text = json.dumps(identity, sort_keys=True, default=str)
    else:
        text = f"{type(identity).__qualname__}:{identity!r}"
    digest = hashlib.sha256(f"{session_id}\0{text}".encode()).hexdigest()
    return digest[:32]


class TokenSigner:
    """Signs and verifies session tokens with one secret key."""

    def __init__(self, secret_key: str, *, max_age_seconds: int) -> None:
        # The signing key is derived once: a token costs one HMAC, not a key derivation.
        key = hmac.digest(secret_key.encode(), _SALT.encode(), "sha256")
        # Keyed once: each token copies it (hmac.digest sets the key and looks the hash
        # up by name on every call, twice the work for a token's few bytes).
        mac = hmac.new(key, digestmod=hashlib.sha256)
        # OpenSSL's own HMAC object where hmac wraps one: its copy, update and digest are
        # C calls (the wrapper's are Python methods, and copy makes a Python object).
        self._mac: Any = getattr(mac, "_hmac", None) or mac
        self._flash = URLSafeTimedSerializer(secret_key, salt=_FLASH_SALT)
        self._max_age = max_age_seconds

    def sign(self, token: SessionToken) -> str:
        """Return the URL-safe signed form of ``token`` (issued now)."""
        payload: dict[str, Any] = {
            "v": TOKEN_VERSION,
            "sid": token.session_id,
            "path": token.mount_path,
            "t": int(time.time()),
        }
        if token.identity:
            payload["id"] = token.identity
        if token.flash:
            payload["flash"] = dict(token.flash)
        body = _encode(orjson.dumps(payload))
        return f"{body}.{self._signature(body.encode())}"

    def _signature(self, body: bytes) -> str:
        mac = self._mac.copy()
        mac.update(body)
        return _encode(mac.digest())

    def sign_flash(self, flash: Mapping[str, str]) -> str:
        """The ``ember_flash`` cookie's value for ``flash`` (URL- and cookie-safe)."""
        return self._flash.dumps(dict(flash))

    def verify_flash(self, signed: str) -> dict[str, str]:
        """The flash in an ``ember_flash`` cookie; empty (and logged) when it is forged,
        damaged or older than ``FLASH_MAX_AGE_SECONDS``: a lost flash never fails a page."""
        try:
            flash = self._flash.loads(signed, max_age=FLASH_MAX_AGE_SECONDS)
        except BadSignature as exc:  # SignatureExpired is one
            logger.info("Ignored an ember_flash cookie: %s", exc)
            return {}
        if not isinstance(flash, dict):
            return {}
        return {str(kind): str(text) for kind, text in flash.items()}

    def verify(self, signed: str, *, mount_path: str) -> SessionToken:
        """Check ``signed`` and return its session token.

        Raises:
            TokenError: the token is forged or damaged, expired, of another version, or
                was issued for another mount path.
        """
        body, _, signature = signed.rpartition(".")
        try:
            raw_body, raw_signature = body.encode("ascii"), signature.encode("ascii")
        except UnicodeEncodeError:
            raw_body = raw_signature = b""
        expected = self._signature(raw_body).encode()
        if not raw_body or not hmac.compare_digest(expected, raw_signature):
            msg = "The session token's signature does not match; it was altered or forged."
            raise TokenError(msg)
        try:
            payload = orjson.loads(_decode(body))
        except (ValueError, binascii.Error) as exc:  # signed by this key, so never expected
            raise TokenError("The session token's payload is not readable.") from exc
        if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION:
            version = payload.get("v") if isinstance(payload, dict) else None
            msg = f"Expected a session token of version {TOKEN_VERSION}, got version {version!r}."
            raise TokenError(msg)
        session_id, path, issued = payload.get("sid"), payload.get("path"), payload.get("t")
        if not isinstance(session_id, str) or not isinstance(path, str):
            raise TokenError("The session token's payload is incomplete.")
        if not isinstance(issued, int) or time.time() - issued > self._max_age:
            msg = f"The session token expired (older than {self._max_age} s); reload the page."
            raise TokenError(msg)
        if path != mount_path:
            msg = f"The session token was issued for {path!r}, not for {mount_path!r}."
            raise TokenError(msg)
        flash = payload.get("flash") or {}
        if not isinstance(flash, dict):
            raise TokenError("The session token's flash is not a mapping.")
        identity = payload.get("id", "")
        if not isinstance(identity, str):
            raise TokenError("The session token's identity is not a string.")
        return SessionToken(
            session_id=session_id,
            mount_path=path,
            flash=flash,
            identity=identity,
            issued_at=float(issued),
        )


def read_session_id(signed: str) -> str:
    """The session id in ``signed``, unchecked (for tests that look at their own page).

    Raises:
        TokenError: ``signed`` is not a token of this format.
    """
    try:
        payload = orjson.loads(_decode(signed.rpartition(".")[0]))
        return str(payload["sid"])
    except (ValueError, binascii.Error, KeyError, TypeError) as exc:
        raise TokenError(f"Expected a session token of version {TOKEN_VERSION}.") from exc


# base64's urlsafe functions, in one C call each way plus a translate (three tokens per
# open: their Python wrappers were a few percent of the token's work).
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _encode(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    padded = (text + "=" * (-len(text) % 4)).encode("ascii")
    return binascii.a2b_base64(padded.translate(_FROM_URLSAFE))
