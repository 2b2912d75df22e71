"""`manage.py check_comments FILE`: the moderation pipeline's verdicts on
comments read from a file, one JSON object a line; nothing is stored."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from moderation.pipeline import Submission, run_checks

FIELDS = ("body", "name", "email", "website")


def parse(line: str) -> dict[str, str]:
    """The fields of one input line, or ValueError saying what is wrong."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"not valid JSON ({error.msg} at column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    fields = {}
    for name in FIELDS:
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f'"{name}" must be a string')
        fields[name] = value
    if not fields["body"].strip():
        raise ValueError('"body" is missing or empty')
    return fields


class Command(BaseCommand):
    help = (
        "Prints the moderation verdict on each comment in FILE (one JSON object a "
        'line: "body", "name", optional "email" and "website"; "-" reads standard '
        'input): one JSON line each, in order, {"verdict", "reasons"}. Stores '
        "nothing. Each comment is checked as a guest's first comment, against the "
        "lists in the database, and compared with the comments above it in the file "
        "for repeats."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON Lines file, or - for standard input")
        parser.add_argument(
            "--member",
            action="store_true",
            help="check the comments as from readers with approved comments "
            "(their links to untrusted sites are not held)",
        )

    def handle(self, *args, file, member, **options):
        try:
            stream = (
                sys.stdin
                if file == "-"
                else open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        seen: list[str] = []
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    fields = parse(line)
                except ValueError as error:
                    result = {"error": f"line {number}: {error}", "line": number}
                else:
                    outcome = run_checks(
                        Submission(
                            **fields,
                            newcomer=not member,
                            recent_bodies=list(reversed(seen[-500:])),
                        )
                    )
                    seen.append(fields["body"])
                    result = outcome.as_dict()
                self.stdout.write(json.dumps(result, ensure_ascii=False))
