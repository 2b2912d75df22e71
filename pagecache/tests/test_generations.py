"""Which cached pages are stale: generations every process agrees on."""

import multiprocessing

import pytest

from pagecache.generations import CONTENT, _FileGenerations, bump, version


def _bump_many(directory, key, times):
    store = _FileGenerations(directory)
    for _ in range(times):
        store.bump(key)


def test_a_new_store_reads_the_initial_generation_and_creates_its_folder(tmp_path):
    store = _FileGenerations(tmp_path / "missing" / "folder")
    assert store.get("pc:gen:site") == "0"
    store.bump("pc:gen:site")
    assert store.get("pc:gen:site") not in ("", "0")
    assert (tmp_path / "missing" / "folder" / "pc-gen-site").exists()


def test_every_bump_gives_a_generation_never_seen_before(tmp_path):
    store = _FileGenerations(tmp_path)
    seen = {store.get("k")}
    for _ in range(200):
        store.bump("k")
        value = store.get("k")
        assert value not in seen
        seen.add(value)


def test_a_bump_in_another_process_is_seen_here(tmp_path):
    store = _FileGenerations(tmp_path)
    store.bump("pc:gen:article:7")
    before = store.get("pc:gen:article:7")
    other = multiprocessing.get_context("spawn").Process(
        target=_bump_many, args=(tmp_path, "pc:gen:article:7", 1)
    )
    other.start()
    other.join(30)
    assert other.exitcode == 0
    assert store.get("pc:gen:article:7") != before


def test_processes_bumping_at_once_never_bring_back_an_old_generation(tmp_path):
    store = _FileGenerations(tmp_path)
    store.bump("k")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_bump_many, args=(tmp_path, "k", 300)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    seen, last = [], None
    while any(worker.is_alive() for worker in workers):
        value = store.get("k")
        if value != last:
            # A value once left behind never comes back.
            assert value not in seen
            seen.append(value)
            last = value
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    final = store.get("k")
    assert len(final) == _FileGenerations.WIDTH
    assert final == last or final not in seen
    assert len(seen) > 1  # the reader did watch it move


def test_keys_do_not_share_a_generation(tmp_path):
    store = _FileGenerations(tmp_path)
    store.bump("pc:gen:article:1")
    assert store.get("pc:gen:article:2") == "0"


@pytest.mark.django_db
def test_a_scope_moves_alone_and_only_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    mine, others, content = version("a:5"), version("a:6"), version(CONTENT)
    with django_capture_on_commit_callbacks(execute=True):
        bump("a:5")
        # A request reading now sees the old rows: it must see the old number.
        assert version("a:5") == mine
    assert version("a:5") != mine
    assert version("a:6") == others
    assert version(CONTENT) == content


@pytest.mark.django_db
def test_a_rolled_back_change_bumps_nothing(django_capture_on_commit_callbacks):
    before = version("a:5", CONTENT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump("a:5", CONTENT)
    assert len(callbacks) == 1  # would run on commit; a rollback drops it
    assert version("a:5", CONTENT) == before
