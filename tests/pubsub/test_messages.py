"""Typed messages: the registry, the envelope, and what cannot be decoded."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from ember.pubsub import DecodeError, MessageRegistry, MessageTypeError, message, registry
from ember.pubsub._messages import ENVELOPE_VERSION, Envelope, decode, encode

from ._models import Ping, Posted


def test_encode_envelope_carries_version_node_send_time_tag_and_data() -> None:
    before = time.time()
    envelope = json.loads(encode(Posted(room="a", body="b"), "node1"))

    assert envelope == {
        "v": 2,
        "n": "node1",
        "s": envelope["s"],
        "t": "tests.chat.posted",
        "d": {"room": "a", "body": "b"},
    }
    assert envelope["v"] == ENVELOPE_VERSION
    assert before <= envelope["s"] <= time.time()


def test_decode_version_1_envelope_has_no_send_time() -> None:
    """A worker of the previous release sends version 1; this one must still read it."""
    payload = '{"v":1,"n":"old","t":"tests.chat.posted","d":{"room":"a","body":"b"}}'

    assert decode(payload) == Envelope("old", "tests.chat.posted", Posted(room="a", body="b"), None)


def test_decode_version_2_envelope_carries_the_send_time() -> None:
    envelope = decode(encode(Ping(n=1), "node", sent_at=1700000000.25))

    assert envelope.sent_at == 1700000000.25
    assert envelope.tag == "tests.pubsub._models.Ping"


def test_a_later_envelope_version_that_adds_keys_is_read() -> None:
    """A worker of a later release may add keys; this one reads what it knows."""
    payload = (
        '{"v":3,"n":"newer","s":1700000000.5,"t":"tests.pubsub._models.Ping",'
        '"d":{"n":4,"text":""},"trace":"00-abc-01"}'
    )

    envelope = decode(payload)

    assert envelope == Envelope("newer", "tests.pubsub._models.Ping", Ping(n=4), 1700000000.5)


def test_default_tag_is_module_and_qualname() -> None:
    assert json.loads(encode(Ping(n=1), "x"))["t"] == "tests.pubsub._models.Ping"


@given(n=st.integers(), text=st.text())
def test_decode_round_trips_any_ping(n: int, text: str) -> None:
    envelope = decode(encode(Ping(n=n, text=text), "node"))

    assert (envelope.node, envelope.message) == ("node", Ping(n=n, text=text))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe\x00garbage", "non-UTF-8"),
        ("{not json", "invalid JSON"),
        ("[1, 2]", "Expected an envelope"),
        ('{"v": 99, "n": "x", "t": "t", "d": {}}', "Expected an envelope"),
        ('{"v": true, "n": "x", "t": "t", "d": {}}', "Expected an envelope"),
        ('{"v": 2, "n": "x", "t": "t", "d": {}}', "Expected an envelope"),  # no "s"
        ('{"v": 2, "n": "x", "s": "noon", "t": "t", "d": {}}', "Expected an envelope"),
        ('{"v": 1, "n": "x", "t": "no.such.Type", "d": {}}', "unknown tag 'no.such.Type'"),
        (
            '{"v": 1, "n": "x", "t": "tests.pubsub._models.Ping", "d": {"n": "nan"}}',
            "Expected data valid for",
        ),
    ],
)
def test_decode_bad_payload_raises_decode_error_saying_why(
    payload: str | bytes, reason: str
) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(payload)


def test_encode_not_a_model_raises_message_type_error() -> None:
    with pytest.raises(MessageTypeError, match="Expected a pydantic BaseModel instance"):
        encode({"n": 1}, "node")  # type: ignore[arg-type]


def test_register_not_a_model_raises() -> None:
    with pytest.raises(MessageTypeError, match="Expected a pydantic BaseModel subclass"):
        MessageRegistry().register(dict)  # type: ignore[arg-type]


def test_register_tag_clash_between_models_raises() -> None:
    reg = MessageRegistry()

    class A(BaseModel):
        pass

    class B(BaseModel):
        pass

    reg.register(A, "same")
    with pytest.raises(MessageTypeError, match="already uses it"):
        reg.register(B, "same")


def test_register_same_model_again_keeps_its_tag() -> None:
    reg = MessageRegistry()

    class A(BaseModel):
        pass

    assert reg.register(A, "a") == "a"
    assert reg.register(A) == "a"
    assert reg.tag_of(A) == "a"
    with pytest.raises(MessageTypeError, match="keep its tag 'a'"):
        reg.register(A, "b")


def test_register_redefined_class_newest_wins() -> None:
    reg = MessageRegistry()

    def define() -> type[BaseModel]:
        class Reloaded(BaseModel):
            pass

        return Reloaded

    first, second = define(), define()
    reg.register(first)
    reg.register(second)

    assert reg.lookup(reg.tag_of(second)) is second


def test_message_decorator_with_and_without_tag() -> None:
    @message
    class Plain(BaseModel):
        pass

    @message("custom.tag")
    class Tagged(BaseModel):
        pass

    assert registry.lookup(registry.tag_of(Plain)) is Plain
    assert registry.lookup("custom.tag") is Tagged
