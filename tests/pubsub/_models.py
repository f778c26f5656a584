"""Message models shared by the tests and by the peer processes they start."""

from __future__ import annotations

from pydantic import BaseModel

from ember.pubsub import message


@message
class Ping(BaseModel):
    n: int
    text: str = ""


@message("tests.chat.posted")
class Posted(BaseModel):
    room: str
    body: str
