"""Two exports compared, ids set aside: what a round trip must keep."""

from __future__ import annotations

import json
from pathlib import Path

FILES = ("sections", "authors", "tags", "images", "articles", "passages", "comments",
         "subscriptions")  # fmt: skip


def _load(folder: Path, name: str) -> list[dict]:
    path = Path(folder) / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def normalised(folder: Path) -> dict[str, list]:
    """The export with every database id replaced by what it names."""
    data = {name: _load(folder, name) for name in FILES}
    articles = {a["id"]: f"{a['section']}/{a['slug']}" for a in data["articles"]}
    images = {i["id"]: i["title"] for i in data["images"]}
    comments = {}
    for n, c in enumerate(
        sorted(data["comments"], key=lambda c: (c["created_at"], c["body_source"]))
    ):
        comments[c["id"]] = n
    passages = {
        p["id"]: (articles[p["article_id"]], p["exact"]) for p in data["passages"]
    }
    for s in data["sections"]:
        s.pop("id")
    for a in data["authors"]:
        a.pop("id")
        a["photo_id"] = images.get(a["photo_id"])
    for i in data["images"]:
        i.pop("id")
        i.pop("file")
    for a in data["articles"]:
        a.pop("id")
        if a["featured_image"]:
            a["featured_image"]["id"] = images.get(a["featured_image"]["id"])
        for block in a["body"]:
            if block["type"] == "image":
                block["value"]["image"] = images.get(block["value"]["image"])
        a["body_html"] = None  # names image files, which are renamed on the way
    for p in data["passages"]:
        p["article_id"] = articles[p.pop("article_id")]
        p.pop("id")
    for c in data["comments"]:
        c["article_id"] = articles[c["article_id"]]
        c["parent_id"] = comments.get(c["parent_id"])
        c["id"] = comments[c["id"]]
        if c["passage"]:
            c["passage"]["id"] = passages[c["passage"]["id"]]
    for s in data["subscriptions"]:
        if s["topic"].startswith("article:"):
            s["topic"] = "article:" + articles[int(s["topic"].split(":")[1])]
    for name in FILES:
        data[name].sort(key=lambda row: json.dumps(row, sort_keys=True))
    return data
