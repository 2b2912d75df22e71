"""wpDiscuz's data as a WordPress export carries it, in post meta and comment meta.

The keys and formats are those wpDiscuz 7 writes (its WpDiscuzConstants and
wpdFormConst interfaces):

- comment meta `wpdiscuz_votes`: the net score (likes minus dislikes), an
  integer as text; `wpdiscuz_votes_seperate` (sic): a PHP-serialized array
  `["like" => n, "dislike" => n]` (dislikes counted positive). Kept as counts:
  the voters are in wpDiscuz's own table, which no export carries.
- post meta `wpdiscuz_post_rating` (the average, rounded to one decimal) and
  `wpdiscuz_post_rating_count` (how many): the article rating shown above the
  post. How many gave each number of stars is not exported, so the
  distribution is rebuilt from the count and the rounded total.
- post meta `wpdiscuz_rating_count`: serialized `[field_key => [stars => count]]`
  for the rating fields of the comment form, with comment meta `<field_key>` =
  that comment's stars; `wpdiscuz_post_rating_<key>` and
  `wpdiscuz_post_rating_count_<key>` are averages derived from it.
- the inline feedback shortcode `[wpdiscuz-feedback id="UID" question="..."
  opened="0"]words[/wpdiscuz-feedback]` in the body, and on each answer the
  comment meta `wpdiscuz_feedback_form_id`: the id of the form's row in
  wpDiscuz's `wc_feedback_forms` table (not in the export). wpDiscuz adds those
  rows as it reads the shortcodes of a saved post, in their order, so within a
  post the smallest form id is the first question: that is how answers find
  their question here; when the numbers of forms and questions differ, the
  answers are kept as ordinary comments and the report says so.
- comment type `wpdiscuz_sticky`: a sticky (pinned) comment; `private`: a
  private comment (shown to the post's author only).

Serialized values are read with phpserialize (never evaluated).
"""

from __future__ import annotations

import phpserialize

VOTES = "wpdiscuz_votes"
VOTES_SEPARATE = "wpdiscuz_votes_seperate"
POST_RATING = "wpdiscuz_post_rating"
POST_RATING_COUNT = "wpdiscuz_post_rating_count"
RATING_COUNT = "wpdiscuz_rating_count"
RATING_SEPARATE_AVG = "wpdiscuz_post_rating_"
RATING_SEPARATE_COUNT = "wpdiscuz_post_rating_count_"
FEEDBACK_FORM_ID = "wpdiscuz_feedback_form_id"
STICKY_TYPE = "wpdiscuz_sticky"
PRIVATE_TYPE = "private"
# Read for what they are, with nothing in Tribune to keep them in.
KNOWN_IGNORED_COMMENT = {
    "wpdiscuz_closed",
    "wpdiscuz_last_edited_at",
    "wpdiscuz_last_edited_by",
    "wmu_attachments",
}
KNOWN_IGNORED_POST = {"_wpdiscuz_statistics", "reacted", "_wpd_form_id"}


def unserialize(value: str):
    """A PHP-serialized value as Python data, or None when it is not one."""
    if not value:
        return None
    try:
        return phpserialize.loads(value.encode("utf-8"), decode_strings=True)
    except (ValueError, TypeError, KeyError, IndexError, EOFError):
        return None


def _int(value, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def comment_votes(meta: dict[str, str]) -> tuple[int, int] | None:
    """(up, down) from a comment's meta, or None when it has no vote data."""
    separate = unserialize(meta.get(VOTES_SEPARATE, ""))
    if isinstance(separate, dict) and ("like" in separate or "dislike" in separate):
        return max(0, _int(separate.get("like"))), abs(_int(separate.get("dislike")))
    if VOTES in meta:
        net = _int(meta[VOTES])
        return max(net, 0), max(-net, 0)
    return None


def rating_fields(post_meta: dict[str, str]) -> dict[str, dict[int, int]]:
    """The comment form's rating fields: key → {stars: count}."""
    data = unserialize(post_meta.get(RATING_COUNT, ""))
    fields: dict[str, dict[int, int]] = {}
    if isinstance(data, dict):
        for key, per_star in data.items():
            if isinstance(per_star, dict):
                fields[str(key)] = {
                    _int(stars): _int(count)
                    for stars, count in per_star.items()
                    if 1 <= _int(stars) <= 5 and _int(count) > 0
                }
    return fields


def approximate_distribution(average: float, count: int) -> dict[int, int]:
    """A distribution of `count` ratings whose mean rounds to `average`: the
    rounded total spread as evenly as whole stars allow."""
    if count <= 0:
        return {}
    total = min(max(round(average * count), count), 5 * count)
    low, extra = divmod(total, count)
    out = {low: count - extra}
    if extra:
        out[low + 1] = out.get(low + 1, 0) + extra
    return {k: v for k, v in out.items() if v}


def post_ratings(post_meta: dict[str, str]) -> tuple[dict[int, int], list[str]]:
    """The article's ratings as {stars: count} and notes for the report.

    The post rating (exact count, rebuilt distribution) and the comment form's
    first rating field (exact distribution) are different readers' votes and
    are added together; further rating fields rate the same readers again on
    other criteria and are reported, not added."""
    notes: list[str] = []
    distribution: dict[int, int] = {}
    count = _int(post_meta.get(POST_RATING_COUNT))
    if count > 0:
        try:
            average = float(post_meta.get(POST_RATING, "0") or 0)
        except ValueError:
            average = 0.0
        if 1 <= average <= 5:
            distribution = approximate_distribution(average, count)
            if len(distribution) > 1 or count > 1:
                notes.append(
                    "post rating: count and average kept; how many gave each "
                    "number of stars is not in the export (spread evenly)"
                )
        else:
            notes.append(f"post rating average {average!r} out of 1-5: left out")
    fields = rating_fields(post_meta)
    for n, (key, per_star) in enumerate(fields.items()):
        if n == 0:
            for stars, c in per_star.items():
                distribution[stars] = distribution.get(stars, 0) + c
        else:
            notes.append(f"rating field {key}: a second rating field, not imported")
    return distribution, notes


def known_post_key(key: str) -> bool:
    return (
        key in (POST_RATING, POST_RATING_COUNT, RATING_COUNT)
        or key.startswith(RATING_SEPARATE_AVG)
        or key in KNOWN_IGNORED_POST
    )


def known_comment_key(key: str, rating_keys: set[str]) -> bool:
    return (
        key in (VOTES, VOTES_SEPARATE, FEEDBACK_FORM_ID)
        or key in rating_keys
        or key in KNOWN_IGNORED_COMMENT
    )


def feedback_assignment(
    question_keys: list[str], form_ids: set[int]
) -> tuple[dict[int, str], str]:
    """Which question (marker key) each wc_feedback_forms id answers, and a
    note when that cannot be told."""
    if not form_ids or not question_keys:
        if form_ids:
            return {}, "feedback answers on a post without a feedback question"
        return {}, ""
    if len(question_keys) == 1:
        return dict.fromkeys(form_ids, question_keys[0]), ""
    ordered = sorted(form_ids)
    if len(ordered) == len(question_keys):
        return dict(zip(ordered, question_keys, strict=True)), ""
    return {}, (
        f"{len(ordered)} feedback forms answered but {len(question_keys)} questions "
        "in the body: answers kept as ordinary comments"
    )
