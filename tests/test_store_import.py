"""``partnerships import``: Article JSONL (a malformed line reported with its file and line, the
others stored) and folders of saved pages with a URL map, stored as the crawl would store them,
then extracted by ``run --no-crawl``; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from pipeline.extract import Extractor
from pipeline.store import schema
from pipeline.store.imports import import_articles, read_import_inputs
from pipeline.store.ingest import run_ingestion
from pipeline.store.repository import Store
from tests.scale_fixtures import dev_articles
from tests.store_fixtures import REPO, SITE, extractor, postgres_server, store, store_url  # noqa: F401 - fixtures

GOLD = {json.loads(line)["article"]["url"]: json.loads(line)["article"] for line in (SITE / "gold.jsonl").open(encoding="utf-8") if line.strip()}


def _import(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", "import", *arguments], cwd=REPO, input=stdin, capture_output=True, text=True, timeout=300)


def _stored(store: Store) -> dict[str, tuple[dict, str | None]]:
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(schema.articles.c.url, schema.articles.c.document, schema.articles.c.extracted_with)).all()
    return {url: (json.loads(document), extracted_with) for url, document, extracted_with in rows}


def test_a_malformed_jsonl_is_reported_line_by_line_and_the_other_lines_are_stored_then_extracted(
    tmp_path: Path, store_url: str, extractor: Extractor
) -> None:
    articles = dev_articles()[:4]
    lines = [articles[0].model_dump_json(), "{not json", articles[1].model_dump_json(), json.dumps({"url": "https://example.org/x"}), articles[2].model_dump_json(), "", articles[3].model_dump_json()]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")

    done = _import(str(dump), "--db", store_url)
    assert done.returncode == 1, done.stderr
    assert f"partnerships import: {dump}:2: not JSON" in done.stderr
    assert f"partnerships import: {dump}:4: text: Field required" in done.stderr
    assert "imported 4 articles: 4 new, 0 changed, 0 already stored with the same text; 2 inputs failed" in done.stderr
    with Store(store_url) as store:
        stored = _stored(store)
        assert set(stored) == {a.url for a in articles}
        assert all(stored[a.url] == (a.model_dump(mode="json"), None) for a in articles)  # as given, extraction owed

        outcome = run_ingestion(store, [], extractor)  # what run --no-crawl does
        assert outcome.counts["owed"] == outcome.counts["extracted"] == 4
        for result in extractor.extract(articles):
            assert _records_of(store, result.article.url) == [record.model_dump(mode="json") for record in result.records]


def test_a_folder_of_pages_with_a_url_map_is_stored_as_the_crawl_stores_it(tmp_path: Path, store: Store) -> None:
    pages = tmp_path / "pages"
    (pages / "2025").mkdir(parents=True)
    chosen = ["bethune-et-kedougou-signent-une-convention-de-cooperation", "amiens-et-gorlitz-cinquante-ans-de-jumelage", "pas-de-calais-et-kolda-signent-un-protocole-d-accord"]
    for name in chosen:
        shutil.copy(SITE / "lianes" / "actualite" / f"{name}.html", pages / "2025" / f"{name}.html")
    (pages / "menu.html").write_text("<html><body><nav>Accueil</nav></body></html>", encoding="utf-8")
    (pages / "not-in-the-map.html").write_text("<html></html>", encoding="utf-8")
    url_map = tmp_path / "urls.csv"
    url_map.write_text("file,url\n" + "".join(f"2025/{name}.html,http://fixture.invalid/lianes/actualite/{name}\n" for name in chosen) + "menu.html,https://example.org/menu\n", encoding="utf-8")

    failures: list[str] = []
    report = import_articles(store, read_import_inputs([str(pages)], url_map=url_map, source="lianes", profile="network"), on_failure=failures.append)
    assert (report.new, report.changed, report.unchanged) == (3, 0, 0)
    assert len(failures) == 2 and report.failures == failures
    assert any(f.startswith(f"{pages / 'menu.html'}: not an article page: ") for f in failures)
    assert f"{pages / 'not-in-the-map.html'}: no url for 'not-in-the-map.html' in the URL map, page skipped" in failures
    stored = _stored(store)
    for name in chosen:
        url = f"http://fixture.invalid/lianes/actualite/{name}"
        document, extracted_with = stored[url]
        assert extracted_with is None
        assert {key: document[key] for key in ("url", "source", "title", "published", "text")} == {key: GOLD[url][key] for key in ("url", "source", "title", "published", "text")}


def test_importing_again_keeps_what_is_unchanged_and_a_changed_text_drops_its_records_until_extracted(store: Store, extractor: Extractor) -> None:
    articles = [result.article for result in extractor.extract(dev_articles()[:8]) if result.records][:3]
    import_articles(store, articles)
    run_ingestion(store, [], extractor)
    changed = articles[1].model_copy(update={"text": articles[1].text + "\n\nMise à jour : la signature a été reportée."})
    with store.engine.connect() as connection:
        before = connection.execute(sa.select(sa.func.count()).where(schema.records.c.article_url == changed.url)).scalar_one()
    assert before > 0

    report = import_articles(store, [articles[0], changed, articles[2]])
    assert (report.new, report.changed, report.unchanged) == (0, 1, 2)
    with store.engine.connect() as connection:
        records_left = connection.execute(sa.select(sa.func.count()).where(schema.records.c.article_url == changed.url)).scalar_one()
        unmerged = connection.execute(sa.select(sa.func.count()).where(schema.records.c.partnership_id.is_(None))).scalar_one()
        members = set(connection.execute(sa.select(schema.records.c.article_url).where(schema.records.c.partnership_id.is_not(None))).scalars())
    assert records_left == 0 and unmerged == 0 and changed.url not in members
    assert [a.url for a in store.owed_articles(extractor.model_version, reextract=False)] == [changed.url]
    outcome = run_ingestion(store, [], extractor)
    assert outcome.counts["extracted"] == 1
    (result,) = extractor.extract([changed])
    assert _records_of(store, changed.url) == [record.model_dump(mode="json") for record in result.records]


def _records_of(store: Store, url: str) -> list[dict]:
    records = schema.records
    with store.engine.connect() as connection:
        documents = connection.execute(sa.select(records.c.document).where(records.c.article_url == url).order_by(records.c.ordinal)).scalars()
        return [json.loads(document) for document in documents]


def test_import_with_extract_reads_stdin_and_extracts(tmp_path: Path, extractor: Extractor) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    articles = dev_articles()[:6]
    done = _import("-", "--db", url, "--extract", "--quiet", stdin="".join(a.model_dump_json() + "\n" for a in articles))
    assert done.returncode == 0, done.stderr
    assert "imported 6 articles: 6 new" in done.stderr
    with Store(url) as store:
        assert store.owed_articles(extractor.model_version, reextract=False) == []
        for result in extractor.extract(articles):
            assert _records_of(store, result.article.url) == [record.model_dump(mode="json") for record in result.records]


def test_import_is_refused_while_a_run_holds_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url) as store:
        store.acquire_lock("a-running-job", dt.timedelta(minutes=5))
    done = _import(str(REPO / "fixtures" / "seed.jsonl"), "--db", url)
    assert done.returncode == 75 and "a-running-job" in done.stderr
    with Store(url) as store:
        assert store.counts()["articles"] == 0


def test_a_folder_without_a_url_map_and_an_unknown_input_are_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK")
    done = _import(str(tmp_path), str(notes), str(REPO / "fixtures" / "seed.jsonl"), "--db", url)
    assert done.returncode == 1
    assert f"{tmp_path}: a folder of pages needs --url-map FILE (CSV with the columns file,url)" in done.stderr
    assert f"{notes}: expected Article JSONL (.jsonl), - for standard input, or a folder of .html pages" in done.stderr
    assert "1 new" in done.stderr
