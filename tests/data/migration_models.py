"""Models for the migration tests: version 1, and version 2 with a changed column."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table

from ember.data import NAMING_CONVENTION, Embedded


class Prefs(BaseModel):
    theme: str = "light"


def metadata_v1() -> MetaData:
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    Table(
        "accounts",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False),
        Column("prefs", Embedded(Prefs), nullable=True),
    )
    return metadata


def metadata_v2() -> MetaData:
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    Table(
        "accounts",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False),
        Column("prefs", Embedded(Prefs), nullable=True),
        Column("email", String(200), nullable=True, unique=True),
    )
    return metadata


METADATA = metadata_v1()
