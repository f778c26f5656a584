"""The signed session token a page embeds and its websocket presents (format version 1).

A token binds one server-side session id to the mount path of the page that issued it,
is signed with the app's secret key (itsdangerous, HMAC-SHA256 with a per-purpose salt),
and expires. Change ``TOKEN_VERSION`` whenever the payload changes: tokens of another
version are refused and the browser reloads the page to get a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ._errors import TokenError

TOKEN_VERSION = 1
_SALT = "ember.live.session-token"


@dataclass(frozen=True, slots=True)
class SessionToken:
    """What a verified token says: which session, issued for which mount path."""

    session_id: str
    mount_path: str


class TokenSigner:
    """Signs and verifies session tokens with one secret key."""

    def __init__(self, secret_key: str, *, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self._max_age = max_age_seconds

    def sign(self, token: SessionToken) -> str:
        """Return the URL-safe signed form of ``token``."""
        payload = {"v": TOKEN_VERSION, "sid": token.session_id, "path": token.mount_path}
        return self._serializer.dumps(payload)

    def verify(self, signed: str, *, mount_path: str) -> SessionToken:
        """Check ``signed`` and return its session token.

        Raises:
            TokenError: the token is forged or damaged, expired, of another version, or
                was issued for another mount path.
        """
        try:
            payload = self._serializer.loads(signed, max_age=self._max_age)
        except SignatureExpired as exc:
            msg = f"The session token expired (older than {self._max_age} s); reload the page."
            raise TokenError(msg) from exc
        except BadSignature as exc:
            msg = "The session token's signature does not match; it was altered or forged."
            raise TokenError(msg) from exc
        if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION:
            version = payload.get("v") if isinstance(payload, dict) else None
            msg = f"Expected a session token of version {TOKEN_VERSION}, got version {version!r}."
            raise TokenError(msg)
        session_id, path = payload.get("sid"), payload.get("path")
        if not isinstance(session_id, str) or not isinstance(path, str):
            raise TokenError("The session token's payload is incomplete.")
        if path != mount_path:
            msg = f"The session token was issued for {path!r}, not for {mount_path!r}."
            raise TokenError(msg)
        return SessionToken(session_id=session_id, mount_path=path)
