"""An order and its confirmation mail: one transaction, so never one without the other."""

from __future__ import annotations

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ember.data import NAMING_CONVENTION, Repo
from ember.jobs import Backoff, JobContext, Jobs


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))


repo = Repo.from_settings(Base.metadata)  # EMBER_DATABASE_URL, SQLite by default
jobs = Jobs(repo)
outbox: list[str] = []  # stands in for a mail server


@jobs.task(queue="mail", max_attempts=5, backoff=Backoff(base=2), timeout=30)
async def send_confirmation(job: JobContext, order_id: int, email: str) -> str:
    outbox.append(f"{email}: order {order_id} confirmed")
    return "sent"


async def place_order(email: str) -> int:
    async with repo.transaction() as session:
        order = Order(email=email)
        session.add(order)
        await session.flush()
        # Written on the same transaction: if anything below raises, neither the
        # order nor the mail exists; once it commits, the mail is never lost.
        await send_confirmation.enqueue(order_id=order.id, email=email)
        return order.id
