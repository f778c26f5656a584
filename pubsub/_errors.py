"""The errors ember.pubsub raises.

Every error derives from :class:`PubSubError`, so ``except PubSubError`` catches them all::

    PubSubError
    ├── InvalidArgumentError    an argument is out of range (also a ValueError)
    ├── NotTrackedError         Presence.update of a presence this process does not track
    │                           (also a LookupError)
    ├── ConfigurationError      a URL or setting cannot be used (unknown scheme, bad value)
    ├── NotStartedError         the PubSub is used before start() or after stop()
    ├── MessageTypeError        a message is not a pydantic model, or its type tag clashes
    ├── BroadcastError          the backend could not take a broadcast (server down, too large)
    ├── DecodeError             an incoming payload cannot be decoded; the listener drops
    │                           and logs it, subscribers never see this error
    └── SubscriptionError       a subscription ended abnormally (raised by its iteration)
        ├── SlowConsumerError   its bounded queue overflowed, so it was cut off
        └── ListenerFailedError the process's listener stopped on an unexpected error
"""

from __future__ import annotations


class PubSubError(Exception):
    """The root of every error raised by ember.pubsub."""


class InvalidArgumentError(PubSubError, ValueError):
    """An argument is out of range: an empty topic, ``max_queue < 1``, bad timings."""


class NotTrackedError(PubSubError, LookupError):
    """``Presence.update`` names a presence this process does not track."""


class ConfigurationError(PubSubError):
    """A URL or setting cannot be used."""


class NotStartedError(PubSubError):
    """The PubSub is used before ``start()`` or after ``stop()``."""


class MessageTypeError(PubSubError):
    """A message is not a registrable pydantic model, or its type tag clashes with another."""


class BroadcastError(PubSubError):
    """The backend could not take a broadcast; local subscribers already received it."""


class DecodeError(PubSubError):
    """An incoming payload cannot be decoded into a registered message type."""


class SubscriptionError(PubSubError):
    """A subscription ended abnormally; raised by its iteration."""


class SlowConsumerError(SubscriptionError):
    """The subscriber did not keep up: its bounded queue overflowed and it was cut off."""


class ListenerFailedError(SubscriptionError):
    """The listener that feeds this process's subscriptions stopped on an unexpected error."""
