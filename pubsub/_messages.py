"""Typed messages: the type registry and the wire envelope.

Every message travels as JSON, on every backend (memory too, so tests see what production
sees)::

    {"v": 2, "n": "<node id>", "s": <send time>, "t": "<type tag>", "d": {...the model's JSON...}}

``v`` is :data:`ENVELOPE_VERSION` and changes whenever this format changes. From version 2
on, a change only adds keys: :func:`decode` reads any version from 2 up (keys it does not
know are ignored), so during a rolling deploy old and new workers read each other both
ways. It also reads version 1 (no ``s``), whose workers drop anything newer.
``n`` is the id of the sending PubSub, so a process skips its own broadcasts when the
backend echoes them (its local subscribers were served first). ``s`` is the sender's wall
clock (``time.time()``) at the broadcast, from which a receiver measures the delivery lag.
With a signing key (``EMBER_PUBSUB_SIGNING_KEY``) the envelope ends with one more key,
``"h"``: the HMAC-SHA256 (hex) of the envelope as sent, without ``"h"``; a receiver with
the key drops any message whose ``"h"`` is missing or wrong. Workers without a key ignore
``"h"`` (an added key), so signing can be turned on worker by worker: first give every
worker the key (it then signs and checks), in one deploy.
``t`` names the pydantic model; a receiving process decodes ``d`` with the model
registered under that tag. A tag is registered when a module decorated with
:func:`message` is imported, when a model is broadcast, or when it is declared with
``subscribe(topic, types=[...])``, so a second OS process that imports the same module
decodes the same messages. Nothing is ever imported on behalf of a tag.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar, overload

from pydantic import BaseModel, ConfigDict, ValidationError

from ._errors import DecodeError, MessageTypeError

ENVELOPE_VERSION = 2
FIRST_ADDITIVE_VERSION = 2
"""From this envelope version on, versions only add keys, and every later one is read."""

MAX_MESSAGE_BYTES = 1024 * 1024
"""Larger payloads are dropped unread (``EMBER_PUBSUB_MAX_MESSAGE_BYTES``)."""
_SIGNATURE = re.compile(r',"h":"([0-9a-f]{64})"\}\s*\Z')

M = TypeVar("M", bound=type[BaseModel])


class MessagesMayBeLost(BaseModel):
    """A marker a subscription yields after the backend reconnected.

    Messages broadcast while the connection was down are gone; refetch what the view
    shows. The subscription is active again when this marker arrives.
    """

    model_config = ConfigDict(frozen=True)

    topic: str
    reason: str


def default_tag(cls: type[BaseModel]) -> str:
    """The tag a model gets when none is given: its module and qualified name."""
    return f"{cls.__module__}.{cls.__qualname__}"


class MessageRegistry:
    """Maps type tags to pydantic models and back."""

    def __init__(self) -> None:
        self._by_tag: dict[str, type[BaseModel]] = {}
        self._by_type: dict[type[BaseModel], str] = {}

    def register(self, cls: type[BaseModel], tag: str | None = None) -> str:
        """Register ``cls`` under ``tag`` (default: ``module.QualName``) and return the tag.

        Raises:
            MessageTypeError: ``cls`` is not a pydantic model class, it is already
                registered under another tag, or the tag belongs to another model.
        """
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise MessageTypeError(
                f"Expected a pydantic BaseModel subclass as a message type, got {cls!r}. "
                "Declare messages as `class MyEvent(BaseModel): ...`."
            )
        if cls is MessagesMayBeLost:
            raise MessageTypeError(
                "MessagesMayBeLost is delivered by ember.pubsub itself and cannot be sent."
            )
        wanted = tag if tag is not None else default_tag(cls)
        known = self._by_type.get(cls)
        if known is not None:
            if known != wanted and tag is not None:
                raise MessageTypeError(
                    f"Expected {default_tag(cls)} to keep its tag {known!r}, but it is being "
                    f"registered again as {tag!r}. Register each model once, before it is "
                    "broadcast."
                )
            return known
        holder = self._by_tag.get(wanted)
        if holder is not None and default_tag(holder) != default_tag(cls):
            raise MessageTypeError(
                f"Expected the tag {wanted!r} to name one model, but {default_tag(holder)} "
                f"already uses it and {default_tag(cls)} asks for it too. Give one of them "
                "another tag with @message('...')."
            )
        if holder is not None:
            # The same module and name defined again (a reload): the newest class wins.
            del self._by_type[holder]
        self._by_tag[wanted] = cls
        self._by_type[cls] = wanted
        return wanted

    def tag_of(self, cls: type[BaseModel]) -> str:
        """The tag of ``cls``, registering it with its default tag on first use."""
        known = self._by_type.get(cls)
        return known if known is not None else self.register(cls)

    def knows(self, classes: Iterable[type[BaseModel]]) -> bool:
        """Whether every one of ``classes`` is registered already."""
        return all(cls in self._by_type for cls in classes)

    def lookup(self, tag: str) -> type[BaseModel] | None:
        """The model registered under ``tag``, or None."""
        return self._by_tag.get(tag)


registry = MessageRegistry()
"""The process-wide registry every PubSub uses."""


@overload
def message(cls_or_tag: M, /) -> M: ...
@overload
def message(cls_or_tag: str | None = None, /) -> Callable[[M], M]: ...
def message(cls_or_tag: M | str | None = None, /) -> M | Callable[[M], M]:
    """Register a pydantic model as a message type, as ``@message`` or ``@message("tag")``.

    Registering at import time lets any process that imports the module decode the model,
    even one that never broadcasts it.
    """
    if isinstance(cls_or_tag, type):
        registry.register(cls_or_tag)
        return cls_or_tag
    tag = cls_or_tag

    def decorate(cls: M) -> M:
        registry.register(cls, tag)
        return cls

    return decorate


class Envelope(NamedTuple):
    """A decoded envelope."""

    node: str
    """The id of the sending PubSub."""
    tag: str
    message: BaseModel
    sent_at: float | None
    """The sender's ``time.time()`` at the broadcast; None from a version-1 sender."""


def encode(
    message: BaseModel,
    node: str,
    sent_at: float | None = None,
    *,
    signing_key: bytes | None = None,
) -> str:
    """Serialise ``message`` into the envelope, stamped ``sent_at`` (default: now), and
    signed with ``signing_key`` when one is given.

    Raises:
        MessageTypeError: ``message`` is not a pydantic model instance.
    """
    if not isinstance(message, BaseModel):
        raise MessageTypeError(
            f"Expected a pydantic BaseModel instance to broadcast, got "
            f"{type(message).__name__} ({message!r:.80}). Wrap the data in a model."
        )
    tag = registry.tag_of(type(message))
    stamp = time.time() if sent_at is None else sent_at
    payload = (
        f'{{"v":{ENVELOPE_VERSION},"n":{json.dumps(node)},"s":{stamp!r},'
        f'"t":{json.dumps(tag)},"d":{message.model_dump_json()}}}'
    )
    if signing_key is None:
        return payload
    return f'{payload[:-1]},"h":"{_mac(signing_key, payload)}"}}'


def _mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _verified(payload: str, key: bytes) -> str:
    found = _SIGNATURE.search(payload)
    if found is None:
        raise DecodeError(
            "Expected a signed envelope (this PubSub has a signing key), got one without a "
            'signature ("h"). Give every worker the same EMBER_PUBSUB_SIGNING_KEY; anything '
            "else publishing on this channel is refused."
        )
    body = payload[: found.start()] + "}"
    if not hmac.compare_digest(found.group(1), _mac(key, body)):
        raise DecodeError(
            "Expected an envelope signed with this PubSub's key, got a wrong signature: it "
            "was forged, altered, or signed with another EMBER_PUBSUB_SIGNING_KEY."
        )
    return body


def decode(
    payload: str | bytes,
    *,
    signing_key: bytes | None = None,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Envelope:
    """Decode an envelope of version 1, 2 or any later (additive) version.

    Args:
        payload: what arrived on the channel.
        signing_key: when given, only envelopes signed with it are accepted.
        max_bytes: larger payloads are refused before they are parsed.

    Raises:
        DecodeError: the payload is too large, not UTF-8, not JSON (or nested too deep to
            parse), unsigned or wrongly signed (with a key), not an envelope of a readable
            version, names an unregistered tag, or does not validate against its model.
    """
    if len(payload) > max_bytes:
        raise DecodeError(
            f"Expected a message of at most {max_bytes} bytes, got {len(payload)} "
            "(EMBER_PUBSUB_MAX_MESSAGE_BYTES)."
        )
    if isinstance(payload, bytes | bytearray):
        try:
            payload = bytes(payload).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"Expected a UTF-8 JSON envelope, got non-UTF-8 bytes ({exc})."
            ) from None
    if signing_key is not None:
        payload = _verified(payload, signing_key)
    try:
        envelope = json.loads(payload)
    except ValueError as exc:
        raise DecodeError(f"Expected a JSON envelope, got invalid JSON ({exc}).") from None
    except RecursionError:
        raise DecodeError("Expected a JSON envelope, got JSON nested too deep to read.") from None
    sent_at = envelope.get("s") if isinstance(envelope, dict) else None
    if not (
        isinstance(envelope, dict)
        and type(envelope.get("v")) is int
        and envelope["v"] >= 1
        and isinstance(envelope.get("n"), str)
        and isinstance(envelope.get("t"), str)
        and isinstance(envelope.get("d"), dict)
        and (envelope["v"] == 1 or _is_time(sent_at))
    ):
        raise DecodeError(
            f'Expected an envelope {{"v": {ENVELOPE_VERSION}, "n": str, "s": float, "t": str, '
            f'"d": {{...}}}} (version {FIRST_ADDITIVE_VERSION} or later; version 1 without "s"), '
            "got another JSON value. Is another program publishing on this channel?"
        )
    cls = registry.lookup(envelope["t"])
    if cls is None:
        raise DecodeError(
            f"Expected a registered message type, got the unknown tag {envelope['t']!r}. "
            "Import the module that defines it and decorate the model with "
            "@ember.pubsub.message, or pass it to subscribe(topic, types=[...])."
        )
    try:
        message = cls.model_validate(envelope["d"])
    except ValidationError as exc:
        raise DecodeError(
            f"Expected data valid for {envelope['t']!r}, got: {exc}. Do both processes run "
            "the same version of the model?"
        ) from None
    except RecursionError:
        raise DecodeError(
            f"Expected data valid for {envelope['t']!r}, got data nested too deep to read."
        ) from None
    stamp = float(sent_at) if envelope["v"] != 1 and isinstance(sent_at, int | float) else None
    return Envelope(envelope["n"], envelope["t"], message, stamp)


def _is_time(value: object) -> bool:
    # NaN and infinities are JSON to Python's parser, but no time: they would poison lag.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
