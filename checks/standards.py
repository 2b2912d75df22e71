"""Check the public pages of a running Tribune site against public standards.

``make check`` runs this against the server that ``make run`` starts:

1. the Nu HTML checker (vnu.jar from the ``vnu-jar`` npm package, run with the
   machine's Java 17 or newer): no errors allowed; its warnings are shown but do
   not fail;
2. axe-core, injected with Playwright at 375 and 1280 px wide: no violation of
   impact "serious" or "critical";
3. Lighthouse (mobile and ``--preset=desktop``): performance, accessibility,
   best-practices and SEO must each score at least 0.95.

The pages are found on the site itself: the home page, the first section in the
site navigation, the flagship article (the lead story on the home page), its
first author and tag, a search for "network", the privacy page (the footer's
"Your data and privacy") and a 404 page. The HTML checker
and axe look at all of them; Lighthouse, which is slow, at the home, section,
article and author pages unless ``--pages`` or ``--lighthouse-pages`` say
otherwise.

The Nu checker (``vnu-jar``), axe-core and Lighthouse are npm packages,
installed on first use into ``var/node/`` (git-ignored) at the versions pinned
below; Lighthouse's reports are kept in ``var/checks/lighthouse/``. Java 17+,
Node.js (npm) and Debian's chromium are needed.

    .venv/bin/python -m checks.standards [--base-url URL] [--skip-html]
        [--skip-axe] [--skip-lighthouse] [--pages NAME ...]
        [--lighthouse-pages NAME ...] [--form-factors mobile|desktop ...]

The base URL defaults to $CHECK_BASE_URL or http://127.0.0.1:8000. The exit
status is 0 when everything passes, 1 when a check fails and 2 when the checks
could not run (no server, a missing tool).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "var" / "node"
REPORT_DIR = ROOT / "var" / "checks"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"

AXE_SPEC = "axe-core@4"
LIGHTHOUSE_VERSION = "12.2.3"
# The Nu HTML checker: the npm package only carries vnu.jar, which is run
# directly with the machine's Java (the package's own launcher would download
# a Java runtime when it finds none).
VNU_VERSION = "26.9.27"
VNU_JAR = NODE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_MIN_JAVA = 17
VNU_TIMEOUT = 300
AXE_WIDTHS = (375, 1280)
AXE_FAILING_IMPACTS = ("critical", "serious")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
MIN_SCORE = 0.95
CHROME_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHTHOUSE_CHROME_FLAGS = ["--headless=new", *CHROME_FLAGS, "--disable-gpu"]

# The page types, in the order of the report (see discover()).
PAGE_NAMES = (
    "home",
    "section",
    "article",
    "author",
    "tag",
    "search",
    "privacy",
    "404",
    "report",
)
LIGHTHOUSE_DEFAULT_PAGES = ("home", "section", "article", "author")
SEARCH_PATH = "/search/?q=network"
NOT_FOUND_PATH = "/no-such-page/"
FETCH_TIMEOUT = 30
LIGHTHOUSE_TIMEOUT = 240


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class SetupError(Exception):
    """The checks cannot run at all (no server, a missing tool)."""


@dataclass
class Page:
    name: str
    url: str
    expected_status: int = 200
    status: int | None = None
    body: bytes = b""


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        say(f"  FAIL {text}")


# -- fetching and discovery ---------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"User-Agent": "tribune-checks", "Accept": "text/html"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def first_link(
    body: bytes, selector: str, base_url: str, page_url: str, skip_home: bool = False
) -> str:
    """The absolute URL of the first same-origin link matching ``selector``."""
    soup = BeautifulSoup(body, "html.parser")
    origin = urlsplit(base_url)
    for link in soup.select(selector):
        href = (link.get("href") or "").strip()
        if not href:
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        if skip_home and parts.path in ("", "/"):
            continue
        return url
    raise LookupError(f"no same-origin link matches {selector!r} on {page_url}")


def discover(base_url: str) -> tuple[dict[str, Page], dict[str, str]]:
    """Find each page type's URL on the site; returns (pages, problems by name)."""
    pages: dict[str, Page] = {}
    problems: dict[str, str] = {}
    home_url = base_url + "/"
    try:
        status, home = fetch(home_url)
    except OSError as error:
        raise SetupError(
            f"cannot reach {home_url} ({error}); start the site first (`make run`)"
        ) from error
    pages["home"] = Page("home", home_url, status=status, body=home)
    pages["search"] = Page("search", base_url + SEARCH_PATH)
    pages["404"] = Page("404", base_url + NOT_FOUND_PATH, expected_status=404)

    def find(name, body, selector, page_url, skip_home=False) -> str | None:
        try:
            url = first_link(body, selector, base_url, page_url, skip_home)
        except LookupError as error:
            problems[name] = str(error)
            return None
        pages[name] = Page(name, url)
        return url

    # The first section in the navigation: the first link that is not home.
    find("section", home, ".site-nav a[href]", home_url, skip_home=True)
    # "Your data and privacy", in every page's footer.
    find("privacy", home, ".site-footer__legal a[href]", home_url)
    article_url = find("article", home, ".front__lead .card__title a[href]", home_url)
    if article_url is None:
        for name in ("author", "tag", "report"):
            problems[name] = "the flagship article was not found"
        return pages, problems
    status, article = fetch(article_url)
    pages["article"].status, pages["article"].body = status, article
    find("author", article, ".author-box__name a[href]", article_url)
    find("tag", article, ".tags a[href]", article_url)
    find("report", article, ".comment__report[href]", article_url)
    return pages, problems


# -- Nu HTML checker ----------------------------------------------------------


def java_command() -> list[str]:
    """The machine's java, checked to be recent enough for vnu.jar."""
    java = shutil.which("java")
    if not java:
        raise SetupError(
            f"the Nu HTML checker needs Java {VNU_MIN_JAVA} or newer "
            "(apt-get install default-jre-headless)"
        )
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"{java} -version failed: {error}") from error
    output = result.stderr + result.stdout
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    major = int(match.group(1)) if match else None
    if major == 1 and match.group(2):  # "1.8.0_402" is Java 8
        major = int(match.group(2))
    if major is None or major < VNU_MIN_JAVA:
        found = output.strip().splitlines()[0] if output.strip() else "?"
        raise SetupError(
            f"the Nu HTML checker needs Java {VNU_MIN_JAVA} or newer; "
            f"{java} is: {found}"
        )
    # UTF-8 out whatever the locale: messages quote the page's own text.
    return [
        java,
        "-Dfile.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
        "-Dsun.stderr.encoding=UTF-8",
    ]


def check_html(pages: list[Page], report: Report) -> None:
    say(f"\n== Nu HTML checker {installed_version('vnu-jar') or '?'} (vnu.jar)")
    if not pages:
        return
    command = [*java_command(), "-jar", str(VNU_JAR)]
    with tempfile.TemporaryDirectory(prefix="tribune-html-") as tmp:
        by_file: dict[str, Page] = {}
        for page in pages:
            path = Path(tmp) / f"{page.name}.html"
            path.write_bytes(page.body)
            by_file[path.name] = page
        try:
            result = subprocess.run(
                [*command, "--format", "json", "--stdout", "--exit-zero-always"]
                + sorted(by_file),
                cwd=tmp,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=VNU_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            report.fail(f"[html] vnu.jar took over {VNU_TIMEOUT}s")
            return
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError, TypeError):
        output = (result.stdout + result.stderr).strip()
        report.fail(
            f"[html] vnu.jar failed to run (exit status {result.returncode}): "
            f"{output[-2000:]}"
        )
        return
    counts = {page.name: [0, 0] for page in pages}
    for message in messages:
        name = Path(urlsplit(message.get("url", "")).path).name
        page = by_file.get(name)
        where = page.url if page else message.get("url", "?")
        line = message.get("lastLine", message.get("firstLine", "?"))
        column = message.get("firstColumn", message.get("lastColumn", "?"))
        kind = message.get("type")
        text = f"{where} line {line}:{column}: {message.get('message', '').strip()}"
        extract = " ".join((message.get("extract") or "").split())
        if kind in ("error", "non-document-error"):
            if page:
                counts[page.name][0] += 1
            report.fail(f"[html] {text}")
            if extract:
                say(f"       near: {extract[:160]}")
        elif message.get("subType") == "warning":
            if page:
                counts[page.name][1] += 1
            say(f"  warning {text}")
            if extract:
                say(f"       near: {extract[:160]}")
    for page in pages:
        errors, warnings = counts[page.name]
        verdict = f"{errors} error(s)" if errors else "ok"
        say(f"  {page.name:8} {verdict}, {warnings} warning(s)  {page.url}")


# -- npm packages: vnu-jar, axe-core and Lighthouse ---------------------------


def installed_version(package: str) -> str | None:
    manifest = NODE_DIR / "node_modules" / package / "package.json"
    try:
        return json.loads(manifest.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_node_packages(vnu: bool, axe: bool, lighthouse: bool) -> None:
    """Install the npm packages the checks need into var/node/ unless there."""
    wanted = []
    if vnu and (installed_version("vnu-jar") != VNU_VERSION or not VNU_JAR.exists()):
        wanted.append(f"vnu-jar@{VNU_VERSION}")
    axe_version = installed_version("axe-core")
    if axe and (not axe_version or not axe_version.startswith("4.")):
        wanted.append(AXE_SPEC)
    if lighthouse and installed_version("lighthouse") != LIGHTHOUSE_VERSION:
        wanted.append(f"lighthouse@{LIGHTHOUSE_VERSION}")
    if not wanted:
        return
    npm = shutil.which("npm")
    if not npm:
        raise SetupError("npm is needed to install " + " ".join(wanted))
    say(f"Installing {' '.join(wanted)} into {NODE_DIR.relative_to(ROOT)}/ ...")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    # No install scripts: the only one is vnu-jar's, which fetches a Java
    # runtime when it finds none; vnu.jar is run with the machine's Java.
    result = subprocess.run(
        [npm, "install", "--prefix", str(NODE_DIR), "--save-exact", "--no-audit"]
        + ["--no-fund", "--ignore-scripts", "--loglevel=error", *wanted],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise SetupError(f"npm install failed:\n{result.stdout}{result.stderr}")


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        raise SetupError("chromium is needed (apt-get install chromium)")
    return path


# -- axe-core -----------------------------------------------------------------

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : t),
      summary: n.failureSummary || "",
    })),
  }));
}"""


def describe_node(node: dict) -> str:
    target = ", ".join(node["target"])
    lines = [
        line.strip()
        for line in node["summary"].splitlines()
        if line.strip() and not line.startswith("Fix ")
    ]
    return f"{target} -- {lines[0]}" if lines else target


def check_axe(pages: list[Page], report: Report) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    say("\n== axe-core " + (installed_version("axe-core") or "?"))
    axe_js = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROME_FLAGS
        )
        try:
            for page in pages:
                for width in AXE_WIDTHS:
                    context = browser.new_context(
                        viewport={"width": width, "height": 900}
                    )
                    # An init script is not subject to the page's CSP, unlike
                    # a <script> tag added after load.
                    context.add_init_script(path=str(axe_js))
                    tab = context.new_page()
                    tab.set_default_timeout(30_000)
                    try:
                        tab.goto(page.url, wait_until="load")
                        try:
                            tab.wait_for_load_state("networkidle", timeout=5_000)
                        except PlaywrightError:
                            pass
                        violations = tab.evaluate(AXE_RUN)
                    except PlaywrightError as error:
                        report.fail(f"[axe] {page.url} @{width}px: {error}")
                        continue
                    finally:
                        context.close()
                    report_axe(page, width, violations, report)
        finally:
            browser.close()


def report_axe(page: Page, width: int, violations: list[dict], report: Report):
    failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
    other = [v for v in violations if v["impact"] not in AXE_FAILING_IMPACTS]
    note = ""
    if other:
        note = "; not failing: " + ", ".join(
            f"{v['id']} ({v['impact']})" for v in other
        )
    verdict = f"{len(failing)} serious/critical" if failing else "ok"
    say(f"  {page.name:8} @{width:>4}px {verdict}{note}  {page.url}")
    for violation in failing:
        report.fail(
            f"[axe] {page.url} @{width}px {violation['id']} ({violation['impact']}):"
            f" {violation['help']} <{violation['helpUrl']}>"
        )
        nodes = violation["nodes"]
        for node in nodes[:8]:
            say(f"       {describe_node(node)}")
        if len(nodes) > 8:
            say(f"       ... and {len(nodes) - 8} more element(s)")


# -- Lighthouse ---------------------------------------------------------------


def failing_audits(result: dict, category: str, limit: int = 6) -> list[str]:
    """The audits that cost ``category`` most, biggest loss first."""
    audits = result["audits"]
    weighted, diagnostics = [], []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if score is None or audit.get("scoreDisplayMode") in (
            "manual",
            "notApplicable",
        ):
            continue
        value = audit.get("displayValue") or ""
        line = f"{ref['id']} (score {score:.2f}{', ' + value if value else ''}):"
        line += f" {audit.get('title', '')}"
        if ref.get("weight", 0) > 0 and score < 1:
            weighted.append((ref["weight"] * (1 - score), line))
        elif score < 0.9:
            diagnostics.append((1 - score, line))
    weighted.sort(key=lambda item: -item[0])
    diagnostics.sort(key=lambda item: -item[0])
    return [line for _, line in weighted + diagnostics][:limit]


def run_lighthouse(page: Page, form_factor: str, chromium: str) -> dict:
    out_dir = REPORT_DIR / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{page.name}-{form_factor}"
    command = [
        shutil.which("node") or "node",
        str(NODE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"),
        page.url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={stem}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=" + " ".join(LIGHTHOUSE_CHROME_FLAGS),
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    json_path = Path(f"{stem}.report.json")
    json_path.unlink(missing_ok=True)
    # Its own session, so that a timeout also ends the chromium it started.
    process = subprocess.Popen(
        command,
        env={**os.environ, "CHROME_PATH": chromium},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"Lighthouse took over {LIGHTHOUSE_TIMEOUT}s") from None
    if not json_path.exists():
        output = output.strip()
        raise RuntimeError(f"Lighthouse wrote no report: {output[-1500:]}")
    return json.loads(json_path.read_text())


def check_lighthouse(
    pages: list[Page], form_factors: list[str], min_score: float, report: Report
) -> None:
    say(f"\n== Lighthouse {LIGHTHOUSE_VERSION} (each score must be >= {min_score})")
    chromium = chromium_path()
    rows = []
    details = []
    for page in pages:
        for form_factor in form_factors:
            started = time.monotonic()
            try:
                result = run_lighthouse(page, form_factor, chromium)
            except (RuntimeError, ValueError) as error:
                report.fail(f"[lighthouse] {page.url} ({form_factor}): {error}")
                rows.append((page, form_factor, {}))
                continue
            if result.get("runtimeError"):
                error = result["runtimeError"]
                report.fail(
                    f"[lighthouse] {page.url} ({form_factor}): "
                    f"{error.get('code')}: {error.get('message')}"
                )
            scores = {c: result["categories"][c]["score"] for c in CATEGORIES}
            rows.append((page, form_factor, scores))
            say(
                f"  {page.name:8} {form_factor:7} "
                + " ".join(f"{c}={format_score(scores[c])}" for c in CATEGORIES)
                + f"  ({time.monotonic() - started:.0f}s)"
            )
            for category in CATEGORIES:
                score = scores[category]
                if score is None or score < min_score:
                    details.append((page, form_factor, category, score, result))
    say("")
    header = f"  {'page':8} {'form':7} " + " ".join(f"{c:>14}" for c in CATEGORIES)
    say(header)
    say("  " + "-" * (len(header) - 2))
    for page, form_factor, scores in rows:
        cells = []
        for category in CATEGORIES:
            score = scores.get(category)
            mark = " " if score is not None and score >= min_score else "*"
            cells.append(f"{format_score(score) + mark:>14}")
        say(f"  {page.name:8} {form_factor:7} " + " ".join(cells))
    reports = (REPORT_DIR / "lighthouse").relative_to(ROOT)
    say(f"  (* below {min_score}; full reports in {reports}/)")
    for page, form_factor, category, score, result in details:
        report.fail(
            f"[lighthouse] {page.url} ({form_factor}) {category} "
            f"{format_score(score)} < {min_score}"
        )
        for line in failing_audits(result, category):
            say(f"       {line}")


def format_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.2f}"


# -- main ---------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m checks.standards",
        description="Check a running Tribune site against the Nu HTML checker, "
        "axe-core and Lighthouse.",
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get("CHECK_BASE_URL", DEFAULT_BASE_URL),
        help="site to check (default: $CHECK_BASE_URL or %(default)s)",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGE_NAMES,
        metavar="PAGE",
        help=f"only check these pages ({', '.join(PAGE_NAMES)}); Lighthouse then "
        "runs on them too, unless --lighthouse-pages says otherwise",
    )
    parser.add_argument(
        "--lighthouse-pages",
        nargs="+",
        choices=PAGE_NAMES,
        metavar="PAGE",
        help="pages for Lighthouse (default: "
        + ", ".join(LIGHTHOUSE_DEFAULT_PAGES)
        + ")",
    )
    parser.add_argument(
        "--form-factors",
        nargs="+",
        choices=FORM_FACTORS,
        default=list(FORM_FACTORS),
        help="Lighthouse configurations to run (default: both)",
    )
    parser.add_argument(
        "--min-score", type=float, default=MIN_SCORE, help="(default: %(default)s)"
    )
    parser.add_argument("--skip-html", action="store_true", help="skip the Nu checker")
    parser.add_argument("--skip-axe", action="store_true", help="skip axe-core")
    parser.add_argument(
        "--skip-lighthouse", action="store_true", help="skip Lighthouse"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> Report:
    report = Report()
    base_url = args.base_url.rstrip("/")
    selected = args.pages or list(PAGE_NAMES)
    lighthouse_names = args.lighthouse_pages or args.pages or LIGHTHOUSE_DEFAULT_PAGES
    if "404" in lighthouse_names:
        say("Note: Lighthouse does not audit error pages; skipping it for 404.")
        lighthouse_names = [name for name in lighthouse_names if name != "404"]
    run_lighthouse_now = not args.skip_lighthouse and bool(lighthouse_names)

    # Fail early on a missing tool rather than after minutes of work.
    if not args.skip_html:
        java_command()
    if not args.skip_axe or run_lighthouse_now:
        chromium_path()
    ensure_node_packages(
        vnu=not args.skip_html, axe=not args.skip_axe, lighthouse=run_lighthouse_now
    )

    say(f"== Pages on {base_url}")
    found, problems = discover(base_url)
    pages = []
    for name in selected:
        if name in problems or name not in found:
            report.fail(f"[pages] {name}: {problems.get(name, 'not found')}")
            continue
        page = found[name]
        if page.status is None:
            page.status, page.body = fetch(page.url)
        if page.status != page.expected_status:
            report.fail(
                f"[pages] {page.url}: HTTP {page.status}, "
                f"expected {page.expected_status}"
            )
        else:
            say(f"  {name:8} HTTP {page.status}  {page.url}")
        pages.append(page)

    phases = []
    if not args.skip_html:
        phases.append(("html", lambda: check_html(pages, report)))
    if not args.skip_axe:
        phases.append(("axe", lambda: check_axe(pages, report)))
    if run_lighthouse_now:
        lighthouse_pages = [page for page in pages if page.name in lighthouse_names]
        phases.append(
            (
                "lighthouse",
                lambda: check_lighthouse(
                    lighthouse_pages, args.form_factors, args.min_score, report
                ),
            )
        )
    for name, phase in phases:
        started = time.monotonic()
        phase()
        say(f"  ({name}: {time.monotonic() - started:.0f}s)")
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        report = run(args)
    except SetupError as error:
        say(f"\ncheck could not run: {error}")
        return 2
    elapsed = time.monotonic() - started
    if report.failures:
        say(f"\n== {len(report.failures)} failure(s) in {elapsed:.0f}s:")
        for failure in report.failures:
            say(f"  {failure}")
        return 1
    say(f"\n== All standards checks passed in {elapsed:.0f}s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
