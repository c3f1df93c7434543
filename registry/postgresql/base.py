"""PostgreSQL, giving up on a server that does not answer.

PostgreSQL's statement_timeout ends a query the server is running too long, but a server that has
stopped answering at all (a hung host, a network path that accepts and drops) cannot end anything:
psycopg would wait for its reply for ever, and the request with it. Here every wait for the server
has a deadline of its own on the client (DATABASE_ANSWER_TIMEOUT: a little longer than the statement
timeout, so that a slow query is ended by the server first), and the health check Django runs on a
kept connection waits no longer than a new connection would (the connect timeout). A connection that
missed its deadline is closed: its state is unknown, and the next request opens a fresh one.
"""

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base


class AnsweringConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends after ``answer_timeout`` seconds."""

    answer_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        try:
            return super().wait(gen, interval=interval, timeout=timeout if timeout is not None else self.answer_timeout)
        except psycopg.errors._WaitTimeout:
            self.pgconn.finish()  # mid-conversation: no later query could trust this connection
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout or self.answer_timeout:g} s"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        answer_timeout = self.settings_dict.get("ANSWER_TIMEOUT")
        if answer_timeout:
            connection.__class__ = AnsweringConnection  # psycopg has no hook for its connection class
            connection.answer_timeout = answer_timeout
        return connection

    def is_usable(self):
        # Django's health check of a kept connection, at a request's first query: it must not wait on a
        # hung server longer than connecting would.
        connection = self.connection
        if connection is not None and isinstance(connection, AnsweringConnection):
            answer_timeout = connection.answer_timeout
            connection.answer_timeout = min(answer_timeout, settings.DATABASE_CONNECT_TIMEOUT)
            try:
                return super().is_usable()
            finally:
                connection.answer_timeout = answer_timeout
        return super().is_usable()
