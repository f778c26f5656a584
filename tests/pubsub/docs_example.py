"""A chat room with ember.pubsub: messages, a refetch after a reconnect, and presence."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from ember.pubsub import MessagesMayBeLost, Presence, PresenceDiff, PubSub, message


@message  # registered on import: any process importing this module can decode it
class MessagePosted(BaseModel):
    room: str
    author: str
    body: str


async def main(url: str = "memory://", room: str = "lobby") -> list[str]:
    log: list[str] = []
    topic = f"room:{room}"
    async with PubSub(url) as pubsub, Presence(pubsub) as presence:
        inbox = await pubsub.subscribe(topic, max_queue=100)

        await presence.track(topic, "ada", {"typing": False})
        await pubsub.broadcast(topic, MessagePosted(room=room, author="ada", body="hi"))

        for _ in range(2):
            msg = await asyncio.wait_for(anext(inbox), 5)
            match msg:
                case MessagePosted(author=author, body=body):
                    log.append(f"{author}: {body}")
                case PresenceDiff(joins=joins, leaves=leaves):
                    log.append(f"joined: {sorted(joins)} left: {sorted(leaves)}")
                case MessagesMayBeLost():
                    log.append("reconnected: refetch the room")

        log.append(f"present: {sorted(presence.list(topic))}")
        await inbox.close()
    return log


if __name__ == "__main__":
    print("\n".join(asyncio.run(main())))
