"""An existing app's schema, the way SQLModel apps declare it: no naming convention.

(No ``from __future__ import annotations`` here: SQLModel reads the annotations at
class creation, as its own docs show.)
"""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    __tablename__ = "legacy_team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50, unique=True)  # an unnamed UniqueConstraint
    heroes: list["Hero"] = Relationship(back_populates="team")


class Hero(SQLModel, table=True):
    __tablename__ = "legacy_hero"
    __table_args__ = (CheckConstraint("age >= 0"),)  # unnamed: each database names it

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True)  # unique index ix_legacy_hero_email
    age: int | None = None
    team_id: int | None = Field(default=None, foreign_key="legacy_team.id")
    team: Team | None = Relationship(back_populates="heroes")
