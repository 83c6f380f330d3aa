"""newsreader side by side with tantivy-py, notmuch (Xapian) and ripgrep, in one run, on the
same articles and the same 20 queries (bench_search.QUERIES, translated where a peer's syntax
differs). Prints a Markdown table; asserts nothing about time.

    python bench/bench_peers.py /tmp/nr-scale/corpus-100000 \
        --config /tmp/nr-scale/config-100k.yaml --work /tmp/nr-scale/peers \
        --tantivy-python /tmp/speed-peers/bin/python \
        --notmuch-python /usr/bin/python3 [--runs 3] [--markdown out.md]

The peers are not project dependencies: install them beside it (ripgrep and notmuch with
python3-notmuch2 from Debian's packages, `pip install tantivy` into a scratch venv) and name
their Pythons. A peer whose tool is missing is left out of the table.

- newsreader: the index of `--config` (built with `newsreader index` when missing; its build
  time is measured only with --build). In-process: `index.search.results.search` (total, top 20,
  snippets); the command: `newsreader --config C search Q --json --limit 20`.
- tantivy-py: title and body fields (body stored, with positions), BM25, conjunction by default;
  in-process: count + top 20 + a SnippetGenerator snippet each; the command: a Python process
  that imports tantivy, opens the index, searches and prints JSON.
- notmuch: one mail message per article in a Maildir (Subject: title, Date, the body);
  in-process: notmuch2 count + the first 20 messages (notmuch has no snippets); the command:
  `notmuch search --format=json --limit=20 Q`.
- ripgrep: no index; the command: `rg -l -i -F WORD` over the corpus files, WORD the query's
  first plain word (every file is read, as a search without an index must).

Every peer reads the articles newsreader's parser gives (title and body), so they index the
same text. Timing: the in-process figures are p50/p95 over every query, `--runs` times each;
the command's are p50/p95 of fresh processes over every query; RSS is the command's peak.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_search import QUERIES  # noqa: E402

# Queries in each peer's syntax: (query, fuzzy setting) for tantivy; None where it has no form.
TANTIVY_DATE = {
    "government date:2004": "government date:[2004-01-01T00:00:00Z TO 2005-01-01T00:00:00Z}",
    "date:[2004-01-01 to 2005-12-31] film": (
        "date:[2004-01-01T00:00:00Z TO 2005-12-31T23:59:59Z] film"
    ),
}
NOTMUCH_DATE = {
    "government date:2004": "government date:2004-01-01..2004-12-31",
    "date:[2004-01-01 to 2005-12-31] film": "date:2004-01-01..2005-12-31 film",
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def all_queries() -> list[str]:
    return [q for group in QUERIES.values() for q in group]


def load() -> float:
    return os.getloadavg()[0]


# ---- the articles, once ----------------------------------------------------------------------


def export(corpus: Path, out: Path) -> int:
    """Every article of the corpus as newsreader's parser reads it, one JSON line each."""
    from newsreader.index.parsing import read_articles

    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for path in sorted(corpus.rglob("*.txt")):
            if path.name == "README.TXT":
                continue
            for a in read_articles(path, source="corpus", root=corpus, warn=lambda _m: None):
                day = a.date.isoformat()[:10] if a.date else None
                f.write(json.dumps({"id": a.id, "title": a.title, "body": a.body, "date": day}))
                f.write("\n")
                n += 1
    return n


# ---- peer programs, run by each peer's own Python --------------------------------------------

TANTIVY_BUILD = r"""
import json, sys, datetime as dt, tantivy
src, folder = sys.argv[1], sys.argv[2]
sb = tantivy.SchemaBuilder()
sb.add_text_field("id", stored=True, tokenizer_name="raw")
sb.add_text_field("title", stored=True)
sb.add_text_field("body", stored=True)
sb.add_date_field("date", stored=True, indexed=True, fast=True)
ix = tantivy.Index(sb.build(), path=folder)
w = ix.writer(heap_size=200_000_000, num_threads=2)
with open(src, encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        doc = tantivy.Document(id=a["id"], title=a["title"], body=a["body"])
        if a["date"]:
            day = dt.datetime.fromisoformat(a["date"]).replace(tzinfo=dt.timezone.utc)
            doc.add_date("date", day)
        w.add_document(doc)
w.commit()
w.wait_merging_threads()
"""

TANTIVY_QUERY = r"""
import json, sys, time, tantivy
folder, mode = sys.argv[1], sys.argv[2]
ix = tantivy.Index.open(folder)
ix.reload()
searcher = ix.searcher()
schema = ix.schema

def run(text, fuzzy):
    q = ix.parse_query(text, ["title", "body"], conjunction_by_default=True, fuzzy_fields=fuzzy)
    found = searcher.search(q, limit=20, count=True)
    total, hits = found.count, found.hits
    gen = tantivy.SnippetGenerator.create(searcher, q, schema, "body")
    out = []
    for score, addr in hits:
        doc = searcher.doc(addr)
        out.append({"id": doc["id"][0], "title": doc["title"][0], "score": score,
                    "snippet": gen.snippet_from_doc(doc).fragment()})
    return total, out

def fuzzy_of(spec):
    return {f: tuple(spec) for f in ("title", "body")} if spec else None

if mode == "one":
    total, hits = run(sys.argv[3], fuzzy_of(json.loads(sys.argv[4])))
    print(json.dumps({"total": total, "hits": hits}))
else:
    queries = json.loads(sys.argv[3]); runs = int(sys.argv[4]); times = []
    for text, spec in queries:
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            run(text, fuzzy_of(spec))
            times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    print(json.dumps(times))
"""

NOTMUCH_QUERY = r"""
import json, sys, time, notmuch2
db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_ONLY)
queries = json.loads(sys.argv[2]); runs = int(sys.argv[3]); times = []
for text in queries:
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        total = db.count_messages(text)
        top = []
        for i, m in enumerate(db.messages(text, sort=notmuch2.Database.SORT.NEWEST_FIRST)):
            if i == 20: break
            top.append((m.messageid, m.header("subject")))
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
print(json.dumps(times))
"""


def tantivy_form(q: str) -> tuple[str, list[Any] | None]:
    if q in TANTIVY_DATE:
        return TANTIVY_DATE[q], None
    m = re.fullmatch(r"(\w+)~(\d?)", q)
    if m:  # fuzzy fields: (prefix, distance, transposition costs one)
        return m.group(1), [False, int(m.group(2) or 1), True]
    if q.endswith("*"):
        return q[:-1], [True, 0, True]
    return q, None


def notmuch_form(q: str) -> str:
    if q in NOTMUCH_DATE:
        return NOTMUCH_DATE[q]
    return re.sub(r"~\d?$", "", q)  # no fuzzy search in notmuch: the word as typed


def rg_word(q: str) -> str:
    words = re.findall(r"[A-Za-z]+", re.sub(r"\w+:\S+", " ", q))
    return next(w for w in words if w not in ("OR", "AND", "NOT", "to"))


# ---- running ---------------------------------------------------------------------------------


def cached_env() -> dict[str, str]:
    """The environment without PYTHONDONTWRITEBYTECODE (set on this project's machines): an
    installed package has its bytecode cache, so a command must not compile its modules every
    run (bench_cli.py does the same)."""
    out = dict(os.environ)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def timed_process(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """(wall ms, CPU ms, peak RSS MB) of one process. Started through GNU time, whose %M is the
    command's own peak: a child forked from this (larger) process would report this process's
    size as its own peak."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        t = time.perf_counter()
        code = subprocess.call(
            ["/usr/bin/time", "-q", "-f", "%x %M %U %S", "-o", out.name, *cmd],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cached_env(),
        )  # fmt: skip
        wall = (time.perf_counter() - t) * 1000
        status, peak_kb, user, system = out.read().split()[-4:]
    if int(status) not in ok:
        raise SystemExit(f"failed ({status}, {code}): {' '.join(cmd)}")
    return wall, (float(user) + float(system)) * 1000, int(peak_kb) / 1024


def commands(make: Any, runs: int, ok: tuple[int, ...] = (0,)) -> dict[str, float]:
    walls: list[float] = []
    cpus: list[float] = []
    rss: list[float] = []
    timed_process(make("warmup"), ok)  # writes the bytecode cache; not counted
    for _ in range(runs):
        for q in all_queries():
            wall, cpu, peak = timed_process(make(q), ok)
            walls.append(wall)
            cpus.append(cpu)
            rss.append(peak)
    return {
        "cmd_p50": statistics.median(walls),
        "cmd_p95": pct(walls, 95),
        "cmd_cpu_p50": statistics.median(cpus),
        "cmd_cpu_p95": pct(cpus, 95),
        "rss": max(rss),
    }


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def peer_newsreader(args: argparse.Namespace) -> dict[str, Any]:
    # In-process is the reader's case: a long-lived process with numpy's engine loaded (a
    # fresh `search` command answers from store.whoosh.light instead; its column measures that).
    import newsreader.index.store.whoosh.engine  # noqa: F401
    from newsreader.index.config import load_settings
    from newsreader.index.search.results import search
    from newsreader.index.store.library import Library

    settings = load_settings(args.config)
    lib = Library(settings)
    row: dict[str, Any] = {"name": "newsreader"}
    if args.build or not lib.exists():
        t = time.perf_counter()
        lib.update(rebuild=True, warn=lambda _m: None)
        row["build_s"] = time.perf_counter() - t
    row["index_mb"] = folder_mb(Path(settings.index_dir))
    search(lib, "warmup")
    times: list[float] = []
    cpus: list[float] = []
    for _ in range(args.runs):
        for q in all_queries():
            t, c = time.perf_counter(), time.process_time()
            search(lib, q, limit=20)
            times.append((time.perf_counter() - t) * 1000)
            cpus.append((time.process_time() - c) * 1000)
    lib.close()
    row |= {"q_p50": statistics.median(times), "q_p95": pct(times, 95)}
    row |= {"q_cpu_p50": statistics.median(cpus), "q_cpu_p95": pct(cpus, 95)}
    exe = shutil.which("newsreader", path=str(Path(sys.executable).parent)) or "newsreader"
    row |= commands(
        lambda q: [exe, "--config", str(args.config), "search", q, "--json", "--limit", "20"],
        args.runs,
    )
    return row


def peer_tantivy(args: argparse.Namespace, articles: Path) -> dict[str, Any]:
    py = args.tantivy_python
    folder = args.work / "tantivy"
    row: dict[str, Any] = {"name": "tantivy-py " + _version(py, "tantivy")}
    if args.build or not (folder / "meta.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        t = time.perf_counter()
        subprocess.run([py, "-c", TANTIVY_BUILD, str(articles), str(folder)], check=True)
        row["build_s"] = time.perf_counter() - t
    row["index_mb"] = folder_mb(folder)
    forms = [tantivy_form(q) for q in all_queries()]
    done = subprocess.run(
        [py, "-c", TANTIVY_QUERY, str(folder), "loop", json.dumps(forms), str(args.runs)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    row |= in_process(json.loads(done.stdout))
    row |= commands(
        lambda q: [py, "-c", TANTIVY_QUERY, str(folder), "one", *map(_json1, tantivy_form(q))],
        args.runs,
    )
    return row


def in_process(pairs: list[list[float]]) -> dict[str, float]:
    walls = [w for w, _ in pairs]
    cpus = [c for _, c in pairs]
    return {
        "q_p50": statistics.median(walls),
        "q_p95": pct(walls, 95),
        "q_cpu_p50": statistics.median(cpus),
        "q_cpu_p95": pct(cpus, 95),
    }


def _json1(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def peer_notmuch(args: argparse.Namespace, articles: Path) -> dict[str, Any]:
    folder = args.work / "notmuch"
    config = args.work / "notmuch-config"
    env = dict(os.environ, NOTMUCH_CONFIG=str(config))
    row: dict[str, Any] = {"name": "notmuch " + _notmuch_version()}
    if args.build or not (folder / ".notmuch").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_maildir(articles, folder)
        config.write_text(
            f"[database]\npath={folder}\n[new]\ntags=\n[search]\nexclude_tags=\n"
            "[maildir]\nsynchronize_flags=false\n",
            encoding="utf-8",
        )
        t = time.perf_counter()
        subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True)
        row["build_s"] = time.perf_counter() - t
    row["index_mb"] = folder_mb(folder / ".notmuch")
    forms = [notmuch_form(q) for q in all_queries()]
    done = subprocess.run(
        [args.notmuch_python, "-c", NOTMUCH_QUERY, str(folder), json.dumps(forms),
         str(args.runs)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    row |= in_process(json.loads(done.stdout))
    os.environ["NOTMUCH_CONFIG"] = str(config)
    row |= commands(
        lambda q: ["notmuch", "search", "--format=json", "--limit=20", notmuch_form(q)],
        args.runs,
    )
    return row


def write_maildir(articles: Path, folder: Path) -> None:
    """One message per article in folder/cur (notmuch indexes Subject and body)."""
    from email.utils import format_datetime

    cur = folder / "cur"
    cur.mkdir(parents=True)
    (folder / "new").mkdir()
    (folder / "tmp").mkdir()
    with open(articles, encoding="utf-8") as f:
        for n, line in enumerate(f):
            a = json.loads(line)
            day = dt.datetime.fromisoformat(a["date"] or "2004-01-01").replace(tzinfo=dt.UTC)
            title = " ".join(a["title"].split())
            message = (
                f"From: bench@example.invalid\nSubject: {title}\n"
                f"Date: {format_datetime(day)}\nMessage-ID: <{n}@bench.invalid>\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                f"{a['body']}\n"
            )
            (cur / f"{n}:2,").write_text(message, encoding="utf-8")


def peer_rg(args: argparse.Namespace) -> dict[str, Any]:
    row: dict[str, Any] = {"name": "ripgrep " + _rg_version() + " (no index)"}
    # rg exits 1 when nothing matches.
    row |= commands(
        lambda q: ["rg", "-l", "-i", "-F", rg_word(q), str(args.corpus)], args.runs, ok=(0, 1)
    )
    return row


def _version(py: str, module: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    return subprocess.run([py, "-c", code], capture_output=True, text=True).stdout.strip()


def _notmuch_version() -> str:
    done = subprocess.run(["notmuch", "--version"], capture_output=True, text=True)
    return done.stdout.split()[-1]


def _rg_version() -> str:
    return subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split()[1]


# ---- the table -------------------------------------------------------------------------------


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| | build | index | query p50 / p95 in-process: wall (CPU) "
        "| one `search` command p50 / p95: wall (CPU) | RSS, one command | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        build = f"{r['build_s']:.0f} s" if "build_s" in r else "-"
        index = f"{r['index_mb']:,.0f} MB" if "index_mb" in r else "-"
        query = (
            f"{r['q_p50']:.1f} / {r['q_p95']:.1f} ms ({r['q_cpu_p50']:.1f} / {r['q_cpu_p95']:.1f})"
            if "q_p50" in r
            else "-"
        )
        cmd = (
            f"{r['cmd_p50']:.0f} / {r['cmd_p95']:.0f} ms "
            f"({r['cmd_cpu_p50']:.0f} / {r['cmd_cpu_p95']:.0f})"
        )
        lines.append(
            f"| {r['name']} | {build} | {index} | {query} | {cmd} | {r['rss']:.0f} MB "
            f"| {r['load']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--config", type=Path, required=True, help="newsreader config of the corpus")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "nr-peers")
    ap.add_argument("--tantivy-python", default="")
    ap.add_argument("--notmuch-python", default="")
    ap.add_argument("--peers", default="newsreader,tantivy,notmuch,rg")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", action="store_true", help="(re)build every index, timed")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    peers = args.peers.split(",")
    articles = args.work / "articles.jsonl"
    if ({"tantivy", "notmuch"} & set(peers)) and not articles.exists():
        t = time.perf_counter()
        n = export(args.corpus, articles)
        print(f"exported {n:,} articles in {time.perf_counter() - t:.0f} s", flush=True)
    rows: list[dict[str, Any]] = []
    print(f"cpus={os.cpu_count()} load={load():.1f}", flush=True)
    for peer in peers:
        if peer == "newsreader":
            row = peer_newsreader(args)
        elif peer == "tantivy" and args.tantivy_python:
            row = peer_tantivy(args, articles)
        elif peer == "notmuch" and args.notmuch_python and shutil.which("notmuch"):
            row = peer_notmuch(args, articles)
        elif peer == "rg" and shutil.which("rg"):
            row = peer_rg(args)
        else:
            print(f"{peer}: not installed, left out", flush=True)
            continue
        row["load"] = load()
        rows.append(row)
        print(json.dumps(row), flush=True)
    table = markdown(rows)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
