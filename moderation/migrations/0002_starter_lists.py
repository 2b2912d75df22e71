"""Loads the starter lists in moderation/data/; reversing removes the entries
that are still as the starter lists made them."""

from django.db import migrations


def load(apps, schema_editor):
    from moderation.lists import load_starter_lists

    load_starter_lists(
        apps.get_model("moderation", "Phrase"), apps.get_model("moderation", "LinkDomain")
    )


def unload(apps, schema_editor):
    from moderation.lists import DATA, read_list

    Phrase = apps.get_model("moderation", "Phrase")
    LinkDomain = apps.get_model("moderation", "LinkDomain")
    for name in ("banned_phrases", "suspect_phrases"):
        for text, note in read_list(DATA / f"{name}.txt"):
            Phrase.objects.filter(text=" ".join(text.split()), note=note).delete()
    for name in ("trusted_domains", "blocked_domains"):
        for domain, note in read_list(DATA / f"{name}.txt"):
            LinkDomain.objects.filter(domain=domain.lower(), note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_lists")]

    operations = [migrations.RunPython(load, unload)]
