"""The statements a new comment runs while it holds the write lock, in plain SQL.

On SQLite there is one writer at a time; on PostgreSQL a new comment locks its
thread's row. Built by the ORM, each statement costs about half a millisecond
of Python while that lock is held; written out here, on indexed columns, they
cost a tenth of that, so posts from several processes overlap instead of
queueing (bench/README.md has the figures). Counters still change in the
database (`n = n + 1`), never by read-add-save.

Each function runs one statement on the database comments are written to.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connections, router

from .models import Comment, Thread


def _execute(model, sql: str, params: list) -> tuple[int, tuple | None]:
    """Runs `sql` ({table} names the model's table) on the database the model is
    written to; returns the rows it changed and the first row it read."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)
        row = cursor.fetchone() if cursor.description else None
        return cursor.rowcount, row


def _db_datetime(model, value: datetime):
    return connections[router.db_for_write(model)].ops.adapt_datetimefield_value(value)


def count_comment_on_thread(
    thread_id: int,
    article_id: int,
    *,
    top_level: bool,
    at: datetime,
    counted: bool = True,
) -> bool:
    """Counts a new comment on the thread row, which stays locked until the
    transaction ends; a comment not shown to readers (`counted` False) only
    locks it. False if `thread_id` is not this article's thread."""
    shown = int(counted)
    changed, _ = _execute(
        Thread,
        "UPDATE {table} SET version = version + %s,"
        " comment_count = comment_count + %s,"
        " top_level_count = top_level_count + %s,"
        " last_comment_at = CASE WHEN %s = 1 THEN %s ELSE last_comment_at END"
        " WHERE id = %s AND article_id = %s",
        [
            shown,
            shown,
            shown * int(top_level),
            shown,
            _db_datetime(Thread, at),
            thread_id,
            article_id,
        ],
    )
    return changed == 1


def find_twin(
    *,
    thread_id: int,
    reader_key: str,
    body_hash: str,
    parent_id: int | None,
    since: datetime,
    passage_id: int | None = None,
    guest: tuple[str, str, str] | None = None,
) -> int | None:
    """The id of the first comment since `since` by the same reader (or, given
    `guest`, the same address hash, name and e-mail address: a guest with no
    cookie yet), with the same body, in reply to the same comment (or about the
    same passage), that is still there."""
    parent = "parent_id IS NULL" if parent_id is None else "parent_id = %s"
    parent += (
        " AND passage_id IS NULL" if passage_id is None else " AND passage_id = %s"
    )
    if guest:
        who = "ip_hash = %s AND guest_name = %s AND guest_email = %s"
        params = [thread_id, *guest, body_hash]
    else:
        who = "reader_key = %s"
        params = [thread_id, reader_key, body_hash]
    params += [_db_datetime(Comment, since), False]
    params += [value for value in (parent_id, passage_id) if value is not None]
    _, row = _execute(
        Comment,
        f"SELECT id FROM {{table}} WHERE thread_id = %s AND {who}"
        " AND body_hash = %s AND created_at >= %s AND is_deleted = %s"
        f" AND {parent} ORDER BY id LIMIT 1",
        params,
    )
    return row[0] if row else None


def reply_target(comment_id: int, thread_id: int) -> tuple | None:
    """(root_id, depth, is_deleted, state, reader_key) of a comment in the
    thread, or None."""
    _, row = _execute(
        Comment,
        "SELECT root_id, depth, is_deleted, state, reader_key FROM {table}"
        " WHERE id = %s AND thread_id = %s",
        [comment_id, thread_id],
    )
    return tuple(row) if row else None


def count_reply(parent_id: int, root_id: int) -> None:
    """Counts a new reply on its parent and on the top-level comment above it."""
    _execute(
        Comment,
        "UPDATE {table} SET reply_count = reply_count"
        " + (CASE WHEN id = %s THEN 1 ELSE 0 END),"
        " descendant_count = descendant_count"
        " + (CASE WHEN id = %s THEN 1 ELSE 0 END)"
        " WHERE id IN (%s, %s)",
        [parent_id, root_id, parent_id, root_id],
    )


def recent_bodies(
    *, after_id: int, since: datetime, limit: int, newest_first: bool = False
) -> list[tuple[int, str]]:
    """(id, body) of the comments made since `since` that are still there, of
    ids above `after_id`: the `limit` oldest of them, or the newest with
    `newest_first` (returned newest first). Read by every new comment's repeat
    check (moderation), so written out rather than built each time."""
    connection = connections[router.db_for_read(Comment)]
    table = connection.ops.quote_name(Comment._meta.db_table)
    order = "DESC" if newest_first else "ASC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, body_source FROM {table} WHERE id > %s AND created_at >= %s"
            f" AND is_deleted = %s ORDER BY id {order} LIMIT %s",
            [after_id, connection.ops.adapt_datetimefield_value(since), False, limit],
        )
        return cursor.fetchall()
