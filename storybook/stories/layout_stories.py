"""Stories for header, card, description list, badge, avatar and icon."""

from __future__ import annotations

from ember.components import (
    ICONS,
    avatar,
    badge,
    button,
    card,
    description_list,
    header,
    icon,
)

from . import Story

stories = [
    Story(
        name="header",
        component=header,
        description="A page header with a subtitle and actions.",
        variations={
            "title only": {"title": "Users"},
            "with subtitle and actions": {
                "title": "Users",
                "subtitle": "Everyone who can sign in.",
                "actions": button("New user", icon_name="plus"),
            },
            "section": {"title": "Settings", "level": 2},
        },
    ),
    Story(
        name="card",
        component=card,
        children=("Cards group related content on a surface.",),
        variations={
            "plain": {},
            "with title and footer": {
                "title": "Profile",
                "id": "profile-card",
                "footer": button("Edit", variant="secondary"),
                "actions": badge("Active", tone="success"),
            },
        },
    ),
    Story(
        name="description_list",
        component=description_list,
        variations={
            "rows": {
                "items": [("Name", "Ada Lovelace"), ("Email", "ada@example.com"), ("Role", "Admin")]
            },
            "columns": {"items": [("Plan", "Team"), ("Seats", "12")], "layout": "columns"},
        },
    ),
    Story(
        name="badge",
        component=badge,
        variations={
            tone: {"text": tone.capitalize(), "tone": tone}
            for tone in ("neutral", "info", "success", "warning", "danger")
        }
        | {"with icon": {"text": "Verified", "tone": "success", "icon_name": "check"}},
    ),
    Story(
        name="avatar",
        component=avatar,
        variations={
            "initials": {"name": "Ada Lovelace"},
            "small": {"name": "Grace Hopper", "size": "sm"},
            "large": {"name": "Alan Turing", "size": "lg"},
            "refused data: URL": {"name": "Eve", "src": "data:text/html,<script>alert(1)</script>"},
        },
    ),
    Story(
        name="icon",
        component=icon,
        variations={name: {"name": name} for name in sorted(ICONS)}
        | {"labelled": {"name": "alert", "label": "Warning", "size": "lg"}},
    ),
]
