"""A live dashboard of ember itself, built with ember: mount it behind your admin guard.

::

    from ember.live.dashboard import install_dashboard
    install_dashboard(app, ember, path="/dashboard", guard=require_admin)

``guard`` is a FastAPI dependency (written against ``HTTPConnection``) that raises
``HTTPException`` for anyone who may not see it; it runs for the page and the websocket.
The page refreshes every second: sessions connected per view, events per second, the
slowest handlers, PubSub topics and their subscribers, PubSub broadcasts and delivery lag,
SQL statements and the connection pools of the ``engines=`` given, the most recent
errors, all fed by :mod:`ember.live`'s telemetry, and the watchdog's event loop stalls.
"""

from __future__ import annotations

from .ops._dashboard import DashboardStats as DashboardStats
from .ops._dashboard import install_dashboard as install_dashboard

__all__ = ["DashboardStats", "install_dashboard"]
