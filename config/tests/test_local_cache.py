"""Without Redis, each process's own cache is big enough to keep pages under load."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

PRINT_MAX_ENTRIES = "from django.core.cache import cache; print(cache._max_entries)"


def max_entries_with(tmp_path, **env) -> int:
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_MAX_ENTRIES],
        env={**base, "TRIBUNE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


def test_the_local_cache_keeps_thousands_of_entries_not_djangos_300(tmp_path):
    # Every new guest who votes adds rate-limit counters; at Django's default of
    # 300 entries the cache would drop a third of itself, cached pages included.
    assert max_entries_with(tmp_path) == 5000
    assert max_entries_with(tmp_path, LOCAL_CACHE_MAX_ENTRIES="20000") == 20000
