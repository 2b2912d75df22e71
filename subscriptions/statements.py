"""The questions a new comment asks of subscriptions, in plain SQL (as
discussion/statements.py, for the same reason: built by the ORM, the one asked
inside the write lock cost about a millisecond of Python, and every other post
waited for it; the one moderation asks of every guest's comment cost a third of
a millisecond for a single indexed row)."""

from __future__ import annotations

from django.db import connections, router

from discussion.models import Thread

from .models import Address, Subscription


def anyone_follows(thread_id: int, replies_topic: str, email: str) -> bool:
    """Whether an active subscription (confirmed, not stopped, to a confirmed
    address: `SubscriptionQuerySet.active`, written out here) follows the
    article of thread `thread_id`, or, `email` given, the replies to that
    address's comments. Each part is answered from an index: the subscriptions'
    topic, the addresses' e-mail."""
    connection = connections[router.db_for_read(Subscription)]
    quote = connection.ops.quote_name
    subscription = quote(Subscription._meta.db_table)
    address = quote(Address._meta.db_table)
    thread = quote(Thread._meta.db_table)
    active = (
        "s.confirmed_at IS NOT NULL AND s.stopped_at IS NULL"
        " AND a.confirmed_at IS NOT NULL"
    )
    sql = (
        f"SELECT 1 FROM {subscription} s JOIN {address} a ON a.id = s.address_id"
        f" WHERE {active} AND s.topic = ("
        f"SELECT 'article:' || CAST(t.article_id AS TEXT) FROM {thread} t"
        f" WHERE t.id = %s)"
    )
    params: list = [thread_id]
    if email:
        sql += (
            f" UNION ALL SELECT 1 FROM {address} a JOIN {subscription} s"
            f" ON s.address_id = a.id AND s.topic = %s WHERE a.email = %s AND {active}"
        )
        params += [replies_topic, email]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({sql})", params)
        return bool(cursor.fetchone()[0])


def is_confirmed(email: str) -> bool:
    """Whether `email` (normalised) is an address whose owner proved they read
    it: one row read by the unique index on the addresses' e-mail."""
    connection = connections[router.db_for_read(Address)]
    address = connection.ops.quote_name(Address._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {address} WHERE email = %s AND confirmed_at IS NOT NULL",
            [email],
        )
        return cursor.fetchone() is not None
