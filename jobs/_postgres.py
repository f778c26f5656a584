"""procrastinate's PostgreSQL connector, with ember's defer of a periodic job.

procrastinate's ``procrastinate_defer_periodic_job_v2`` deletes every older due time of a
periodic task as it defers a new one. A worker whose loop woke late defers the due times
it missed oldest first, possibly after another worker deferred newer ones, and then finds
those older due times forgotten and defers them a second time (seen under load with two
workers). ember's query keeps the due times of the last ``PERIODIC_MEMORY_SECONDS`` (the
SQLite store does the same) and treats anything older as done.
"""

from __future__ import annotations

from typing import Any, LiteralString

import procrastinate
from procrastinate import sql

from ._sqlite import PERIODIC_MEMORY_SECONDS

__all__ = ["PostgresConnector"]

# One statement, so it is one transaction on the connector's autocommit connections. The
# sub-statements of a WITH share one snapshot: the DELETE cannot remove the row claimed
# here, and the job is inserted only when the due time was claimed.
_DEFER_PERIODIC: LiteralString = """
WITH newest AS (
    SELECT MAX(defer_timestamp) AS at FROM procrastinate_periodic_defers
    WHERE task_name = %(task_name)s AND periodic_id = %(periodic_id)s
), claimed AS (
    INSERT INTO procrastinate_periodic_defers (task_name, periodic_id, defer_timestamp)
    SELECT %(task_name)s, %(periodic_id)s, %(defer_timestamp)s FROM newest
    WHERE newest.at IS NULL OR %(defer_timestamp)s >= newest.at - %(memory)s
    ON CONFLICT DO NOTHING
    RETURNING id
), deferred AS (
    SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(
        %(queue)s::varchar, %(task_name)s::varchar, %(priority)s::integer, %(lock)s::text,
        %(queueing_lock)s::text, %(args)s::jsonb, NULL::timestamptz
    )]::procrastinate_job_to_defer_v1[])) AS job_id
    FROM claimed
), forgotten AS (
    DELETE FROM procrastinate_periodic_defers
    WHERE task_name = %(task_name)s AND periodic_id = %(periodic_id)s
    AND EXISTS (SELECT 1 FROM claimed)
    AND defer_timestamp < GREATEST(
        %(defer_timestamp)s, COALESCE((SELECT at FROM newest), %(defer_timestamp)s)
    ) - %(memory)s
)
SELECT (SELECT job_id FROM deferred) AS id
"""


class PostgresConnector(procrastinate.PsycopgConnector):
    """procrastinate's psycopg connector; periodic jobs are deferred by ember's query."""

    async def execute_query_one_async(
        self, query: LiteralString, **arguments: Any
    ) -> dict[str, Any]:
        if query == sql.queries["defer_periodic_job"]:
            query = _DEFER_PERIODIC
            arguments["memory"] = PERIODIC_MEMORY_SECONDS
        found: dict[str, Any] = await super().execute_query_one_async(query, **arguments)
        return found
