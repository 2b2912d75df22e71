"""What an import did, counted per kind, and how it shows its progress."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

OUTCOMES = ("found", "imported", "updated", "skipped", "failed")


class Report:
    """Counts per kind (post, page, comment, author…) and outcome (found,
    imported, updated, skipped, failed), with the reasons for skips and
    failures, unknown meta keys, missing media files and notes."""

    def __init__(self, source: str = "", dry_run: bool = False):
        self.source = source
        self.dry_run = dry_run
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.reasons: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.unknown_meta: Counter = Counter()
        self.missing_media: dict[str, str] = {}
        self.notes: Counter = Counter()
        self.unmatched: list[str] = []

    def add(self, kind: str, outcome: str, reason: str = "", n: int = 1) -> None:
        if n <= 0:
            return
        self.counts[kind][outcome] += n
        if reason:
            self.reasons[(kind, outcome)][reason] += n

    def found(self, kind: str, n: int = 1) -> None:
        self.add(kind, "found", n=n)

    def as_dict(self) -> dict:
        kinds = {}
        for kind, counts in sorted(self.counts.items()):
            kinds[kind] = {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}
            for outcome in ("skipped", "failed", "updated", "imported"):
                reasons = self.reasons.get((kind, outcome))
                if reasons:
                    kinds[kind][f"{outcome}_why"] = dict(sorted(reasons.items()))
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "kinds": kinds,
            "unknown_meta_keys": dict(sorted(self.unknown_meta.items())),
            "missing_media": dict(sorted(self.missing_media.items())),
            "unmatched": self.unmatched,
            "notes": dict(sorted(self.notes.items())),
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False))

    def lines(self) -> list[str]:
        data = self.as_dict()
        out = [
            ("Dry run (nothing stored) of " if self.dry_run else "Imported ")
            + (self.source or "the file")
        ]
        header = f"{'kind':<14}" + "".join(f"{o:>10}" for o in OUTCOMES)
        out.append(header)
        for kind, counts in data["kinds"].items():
            out.append(f"{kind:<14}" + "".join(f"{counts[o]:>10}" for o in OUTCOMES))
        for kind, counts in data["kinds"].items():
            for outcome in ("imported", "updated", "skipped", "failed"):
                for reason, n in counts.get(f"{outcome}_why", {}).items():
                    out.append(f"  {kind} {outcome}: {n} × {reason}")
        if data["unknown_meta_keys"]:
            out.append("Unknown meta keys (not imported):")
            out += [f"  {k}: {n}" for k, n in data["unknown_meta_keys"].items()]
        if data["missing_media"]:
            out.append(
                f"Missing media files ({len(data['missing_media'])}, not fetched):"
            )
            out += [f"  {k} ({v})" for k, v in list(data["missing_media"].items())[:50]]
            if len(data["missing_media"]) > 50:
                out.append(
                    f"  … and {len(data['missing_media']) - 50} more"
                    " (see --report-json)"
                )
        if data["unmatched"]:
            out.append(f"Matched nothing ({len(data['unmatched'])}):")
            out += [f"  {u}" for u in data["unmatched"][:50]]
        if data["notes"]:
            out.append("Notes:")
            out += [f"  {n} × {note}" for note, n in data["notes"].items()]
        return out


class Progress:
    """A bar on a terminal (rich), a plain line every few seconds otherwise."""

    def __init__(self, total: int, label: str, stream=None, enabled: bool = True):
        self.total = total
        self.label = label
        self.stream = stream or sys.stdout
        self.done = 0
        self.enabled = enabled
        self.bar = None
        self.last = 0.0
        if enabled and getattr(self.stream, "isatty", lambda: False)():
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, advance=n)
            return
        now = time.monotonic()
        if now - self.last >= 2 or self.done == self.total:
            self.last = now
            self.stream.write(f"{self.label}: {self.done}/{self.total}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
