"""Tests of the shop sample with ember.jobs.testing (pytest collects them as usual)."""

from __future__ import annotations

from ember.jobs.testing import assert_enqueued, drain, inline

from . import shop


async def test_placing_an_order_queues_its_confirmation() -> None:
    order_id = await shop.place_order("ada@example.com")
    await assert_enqueued(shop.jobs, shop.send_confirmation, order_id=order_id)
    assert (await drain(shop.jobs, queue="mail")).succeeded == 1
    assert shop.outbox[-1] == f"ada@example.com: order {order_id} confirmed"


async def test_inline_sends_at_once() -> None:
    with inline(shop.jobs):
        await shop.place_order("bob@example.com")
    assert shop.outbox[-1].startswith("bob@example.com")
