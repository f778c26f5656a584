"""Prometheus metrics for ember, at an endpoint you opt into.

::

    from ember.live.metrics import install_metrics
    install_metrics(app, ember, path="/metrics")   # guard it like any admin route

Needs ``prometheus-client`` (``pip install ember[metrics]``). The metrics are fed by
:mod:`ember.live`'s telemetry and kept in a registry of their own:

- ``ember_sessions_connected`` (gauge, by view)
- ``ember_events_total`` (counter, by view and outcome) — rate() gives events/s
- ``ember_handler_duration_seconds`` (histogram, by view)
- ``ember_mount_duration_seconds`` (histogram, by view and connected)
- ``ember_sent_bytes`` (histogram, by view) — the size of each update sent
- ``ember_render_duration_seconds`` (histogram) — ReactPy's render of one component
- ``ember_delivery_duration_seconds`` (histogram, by topic) — a view's handling of a
  PubSub message
- ``ember_pubsub_broadcasts_total`` (counter, by topic and outcome) — broadcasts made by
  this process; ``outcome`` is ``failed`` when the backend refused one
- ``ember_pubsub_lag_seconds`` (histogram, by topic) — from a broadcast in another process
  (or another PubSub) to its delivery to this process's subscribers, by the sender's wall
  clock, so keep the hosts' clocks in sync (NTP); broadcasts served locally have no lag
  and are not observed
- ``ember_db_query_duration_seconds`` (histogram) and ``ember_db_pool_checked_out`` (gauge,
  by engine) for the SQLAlchemy engines passed as ``engines=``
- ``ember_jobs`` (gauge, by queue and state: ``queued``, ``running``, ``retrying``,
  ``failed``, ``succeeded``, ``cancelled``, ``aborted``) for the job queues passed as
  ``jobs=`` (an ``ember.jobs.Jobs``), read from the queue's table at each scrape, so it
  counts every worker's jobs
- ``ember_job_runs_total`` (counter, by task and outcome: ``succeeded``, ``retrying``,
  ``failed``, ``cancelled``) and ``ember_job_duration_seconds`` (histogram, by task and
  outcome): the runs of this process's workers; ``ember_jobs_enqueued_total`` (counter, by
  task) the jobs it enqueued
- ``ember_cache_operations_total`` (counter, by cache and operation: ``hit``, ``miss``,
  ``set``, ``delete``, ``computed``, ``waited``, …) for the caches passed as ``caches=``
  (an ``ember.cache.Cache``), read from its counters at each scrape (nothing is added to
  a cache hit)

The ``topic`` label is not the topic itself: topics like ``room:123`` are unbounded, and
every label value is a time series Prometheus keeps. It is :func:`topic_prefix` of the
topic, its part before the first ``:`` (``room``); pass ``topic_label=`` to choose another
(a function from topic to label value with few distinct results). Presence replicates on
``ember:presence``, so its heartbeats count as topic ``ember``.
"""

from __future__ import annotations

from .ops._metrics import CountedCache as CountedCache
from .ops._metrics import EmberMetrics as EmberMetrics
from .ops._metrics import install_metrics as install_metrics
from .ops._metrics import topic_prefix as topic_prefix

__all__ = ["CountedCache", "EmberMetrics", "install_metrics", "topic_prefix"]
