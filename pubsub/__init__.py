"""ember.pubsub: topics, typed messages and presence, over memory, Redis or PostgreSQL.

::

    pubsub = PubSub.from_settings()          # EMBER_PUBSUB_URL, default memory://
    async with pubsub:
        sub = await pubsub.subscribe("users", max_queue=1000)
        await pubsub.broadcast("users", UserCreated(...))    # any pydantic model
        async for msg in sub: ...            # models, or MessagesMayBeLost after a reconnect

See docs/pubsub.md for the overflow policy, reconnect semantics and Presence.
"""

from __future__ import annotations

from ._backends._base import Backoff as Backoff
from ._delivery import broadcast_after_write as broadcast_after_write
from ._delivery import undelivered as undelivered
from ._errors import BroadcastError as BroadcastError
from ._errors import ConfigurationError as ConfigurationError
from ._errors import DecodeError as DecodeError
from ._errors import InvalidArgumentError as InvalidArgumentError
from ._errors import ListenerFailedError as ListenerFailedError
from ._errors import MessageTypeError as MessageTypeError
from ._errors import NotStartedError as NotStartedError
from ._errors import NotTrackedError as NotTrackedError
from ._errors import PubSubError as PubSubError
from ._errors import SlowConsumerError as SlowConsumerError
from ._errors import SubscriptionError as SubscriptionError
from ._messages import MessageRegistry as MessageRegistry
from ._messages import MessagesMayBeLost as MessagesMayBeLost
from ._messages import message as message
from ._messages import registry as registry
from ._presence import Presence as Presence
from ._presence_messages import PresenceDiff as PresenceDiff
from ._presence_messages import PresenceMeta as PresenceMeta
from ._pubsub import PubSub as PubSub
from ._settings import PubSubSettings as PubSubSettings
from ._subscription import Subscription as Subscription
from ._subscription import SubscriptionState as SubscriptionState

__all__ = [
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
