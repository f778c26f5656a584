"""The public names of ember.pubsub are pinned: changing them is a deliberate act."""

from __future__ import annotations

import ember.pubsub


def test_all_is_pinned_and_sorted() -> None:
    assert ember.pubsub.__all__ == [
        "Backoff",
        "BroadcastError",
        "ConfigurationError",
        "DecodeError",
        "InvalidArgumentError",
        "ListenerFailedError",
        "MessageRegistry",
        "MessageTypeError",
        "MessagesMayBeLost",
        "NotStartedError",
        "NotTrackedError",
        "Presence",
        "PresenceDiff",
        "PresenceMeta",
        "PubSub",
        "PubSubError",
        "PubSubSettings",
        "SlowConsumerError",
        "Subscription",
        "SubscriptionError",
        "SubscriptionState",
        "broadcast_after_write",
        "message",
        "registry",
        "undelivered",
    ]
    assert ember.pubsub.__all__ == sorted(ember.pubsub.__all__)


def test_all_names_exist_and_belong_to_the_package() -> None:
    for name in ember.pubsub.__all__:
        obj = getattr(ember.pubsub, name)
        module = getattr(obj, "__module__", "ember.pubsub._messages")
        assert module.startswith("ember.pubsub"), (name, module)


def test_every_error_derives_from_pubsub_error() -> None:
    for name in ember.pubsub.__all__:
        obj = getattr(ember.pubsub, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, ember.pubsub.PubSubError), name
