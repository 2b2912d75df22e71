"""The one question a new comment asks of subscriptions while it holds the
write lock, in plain SQL (as discussion/statements.py, for the same reason:
built by the ORM it cost about a millisecond of Python inside the lock, and
every other post waited for it)."""

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
