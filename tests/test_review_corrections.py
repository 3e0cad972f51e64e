"""The analysts' corrections drive every view: filters, counts, sort, search, the overview,
the API and the merge suggestions read the reviewed values, never the extracted ones; a
filter that cannot be applied is refused with its reason, in the page and the API; a
corrected field says so, and the article's words are no longer marked as its proof.

On SQLite and PostgreSQL, with the hand-written articles of ``fixtures/review/articles.jsonl``
(Lille–Saint-Louis, SN, reported by two articles that disagree on the date; Nantes–Niigata,
JP)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from pipeline.records import Article, PartnershipRecord
from pipeline.store.repository import ArticleToStore, Store
from tests.review_fixtures import (  # noqa: F401 - fixtures
    FIXTURES,
    LILLE_URL,
    NANTES_URL,
    client,
    partnership_of,
    post_form,
    postgres_server,
    queue_ids,
    redirect_target,
    store,
)


def _move_saint_louis_to_mali(client: TestClient, pid: str) -> None:
    """The analyst corrects the partner's country in place, then accepts."""
    moved = post_form(client, pid, "signatories", index="1", name="Saint-Louis", kind="municipality", country="Mali")
    redirect_target(moved)
    redirect_target(post_form(client, pid, "decision", decision="accepted", then="stay"))


def test_a_corrected_country_moves_the_partnership_in_the_queue_the_counts_and_the_api(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    _move_saint_louis_to_mali(client, pid)

    assert queue_ids(client, "country=ML") == [pid]
    assert queue_ids(client, "country=SN") == []
    assert re.search(r"accepté <b>1</b>", client.get("/queue?country=ML").text)
    assert "Mali (ML)" in client.get("/queue?country=ML").text
    in_mali = client.get("/api/partnerships?country=ML").json()
    assert [item["record_id"] for item in in_mali["items"]] == [pid]
    assert {p["country"] for p in in_mali["items"][0]["signatories"]} == {"FR", "ML"}
    assert client.get("/api/partnerships?country=SN").json()["total"] == 0
    # The country filter offers the countries the reviewed records have.
    queue = client.get("/queue").text
    assert '<option value="ML" >Mali (ML)</option>' in queue and '<option value="SN"' not in queue


def test_a_corrected_date_is_found_under_its_new_value_only(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, NANTES_URL)
    redirect_target(post_form(client, pid, "edit", agreement_type="other", signed_on="2019-11-20"))
    assert queue_ids(client, "date_from=2019&date_to=2019") == [pid]
    assert queue_ids(client, "date_from=2023-06-01&date_to=2023-06-30") == []
    assert client.get("/api/partnerships?date_from=2023").json()["total"] == 1  # only Lille (2024) is left
    # Sorted by the reviewed date: Nantes (2019) is now last, newest first.
    assert queue_ids(client)[-1] == pid and queue_ids(client, "sort=date")[0] == pid
    # And by its reviewed type: "Autre accord" sorts before "Convention de coopération…".
    assert queue_ids(client, "sort=type")[0] == pid


def test_the_overview_counts_what_its_links_open(client: TestClient, store: Store) -> None:
    lille = partnership_of(store, LILLE_URL)
    _move_saint_louis_to_mali(client, lille)
    nantes = partnership_of(store, NANTES_URL)
    redirect_target(post_form(client, nantes, "decision", decision="rejected", reason="pas un accord signé", then="stay"))

    page = client.get("/overview").text
    assert re.search(r"<h1>Vue d'ensemble <small>1 partenariat non rejeté<", page)
    bars = re.findall(r'<a href="([^"]+)" data-key="([^"]+)">.*?<b>(\d+)</b></a>', page)
    assert {key for _, key, _ in bars} >= {"ML", "2024", "water_sanitation"} and "JP" not in {key for _, key, _ in bars}
    for href, key, count in bars:
        opened = client.get(href.replace("&amp;", "&"))
        assert opened.status_code == 200
        shown = re.search(r"<h1>File de revue <small>(\d+) partenariat", opened.text)
        assert shown and shown.group(1) == count, (key, href)
    # Every country of the map is a link to its queue; the partner's leads to its partnership.
    world = re.search(r'<svg class="world".*?</svg>', page, re.S)
    assert world
    pairs = re.findall(r'<a href="([^"]+)" class="country[^"]*" data-country="([A-Z]{2})">', world.group(0))
    links = {code: href.replace("&amp;", "&") for href, code in pairs}
    assert len(links) == len(pairs) > 200 and {"ML", "SN", "JP", "FR", "BJ", "TG"} <= set(links)
    for code in ("ML", "SN", "BJ"):
        assert urlsplit(links[code]).query == f"status=active&country={code}"
    assert queue_ids(client, urlsplit(links["ML"]).query) == [lille]
    assert re.findall(r'<path class="arc" data-country="([A-Z]{2})"', world.group(0)) == ["ML"]
    # How many remain to review, per status and per source.
    assert re.search(r'id="to-review">0<', page)
    per_source = re.search(r'<tr data-source="lianes">.*?</tr>', page, re.S)
    assert per_source and re.findall(r">(\d+)</a>", per_source.group(0)) == ["0", "1", "1", "0"]


def test_search_ignores_accents_both_ways_and_reads_articles_and_country_names(client: TestClient, store: Store) -> None:
    lille, nantes = partnership_of(store, LILLE_URL), partnership_of(store, NANTES_URL)
    assert queue_ids(client, "q=senegal") == [lille]  # "Sénégal", the partner country's French name
    assert queue_ids(client, "q=S%C3%A9N%C3%A9GAL") == [lille]
    assert queue_ids(client, "q=japon") == [nantes]
    assert queue_ids(client, "q=amiti%C3%A9") == [nantes]  # the article's text: "un accord d'amitié"
    assert queue_ids(client, "q=amitie") == [nantes]
    assert queue_ids(client, "q=echanges") == [lille]  # "des échanges", in the second article on it
    assert queue_ids(client, "q=%C3%89CHANGES%20SUR") == [lille]
    assert queue_ids(client, "q=saint%20louis") == [lille]  # "Saint-Louis"
    for field_name in ("name", "signatories", "country", "record_id", "evidence"):
        assert queue_ids(client, f"q={field_name}") == [], field_name
    assert client.get("/api/partnerships?q=S%C3%A9n%C3%A9gal").json()["total"] == 1


def test_invalid_filters_are_refused_with_their_reason_in_the_page_and_the_api(client: TestClient) -> None:
    page = client.get("/queue?date_from=2024-13-45")
    assert page.status_code == 422
    assert re.search(r'<li data-param="date_from">Date invalide : « 2024-13-45 »', page.text)
    assert 'class="queue-row"' not in page.text and 'value="2024-13-45"' in page.text
    api = client.get("/api/partnerships?date_from=2024-13-45")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "date_from"]
    leap = client.get("/api/partnerships?date_to=2023-02-29")
    assert leap.status_code == 422 and "Date invalide" in leap.json()["detail"][0]["msg"]

    unknown = client.get("/queue?country=XX")
    assert unknown.status_code == 422 and "Pays inconnu : « XX »" in unknown.text
    assert client.get("/api/partnerships?country=XX").status_code == 422
    assert client.get("/queue?source=nowhere").status_code == 422
    assert "Source inconnue : « nowhere » (sources configurées : cites-unies, lianes)" in client.get("/queue?source=nowhere").text
    assert client.get("/api/partnerships?source=nowhere").status_code == 422
    assert client.get("/queue?sort=colour").status_code == 422
    backwards = client.get("/queue?date_from=2024-05&date_to=2024-02")
    assert backwards.status_code == 422 and "précède la date de début" in backwards.text

    not_a_number = client.get("/queue?page=abc")
    assert not_a_number.status_code == 422 and not_a_number.headers["content-type"].startswith("text/html")
    assert "Paramètre « page » invalide : « abc »" in not_a_number.text
    assert client.get("/api/partnerships?page=abc").headers["content-type"] == "application/json"
    # A French name, a code in any case and a source in any case are understood.
    assert client.get("/queue?country=japon").status_code == 200 and client.get("/queue?country=jp").status_code == 200
    assert client.get("/queue?source=LIANES").status_code == 200


def test_a_corrected_field_says_who_and_when_and_its_old_evidence_is_not_marked(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    before = client.get(f"/records/{pid}?article={LILLE_URL}").text
    assert '<mark class="ev ev-signed_on"' in before
    redirect_target(post_form(client, pid, "edit", agreement_type="cooperation_agreement", signed_on="2023-03-12", duration="P3Y"))
    page = client.get(f"/records/{pid}?article={LILLE_URL}").text
    row = re.search(r'<tr class="field corrected" data-field="signed_on".*?</tr>', page, re.S)
    assert row, "the corrected date is not shown as corrected"
    assert re.search(r"corrigé par analyste local le \d\d/\d\d/\d{4} à \d\d:\d\d UTC ; extrait : <s>2024-03-12</s>", row.group(0))
    assert "ils ne sont plus surlignés" in row.group(0)
    assert '<mark class="ev ev-signed_on"' not in page  # "Le 12 mars 2024" is no proof of 2023
    assert '<mark class="ev ev-duration"' in page  # the duration was not changed: its words still prove it
    duration_row = re.search(r'<tr class="field" data-field="duration".*?</tr>', page, re.S)
    assert duration_row and "corrigé" not in duration_row.group(0)


def test_merge_suggestions_read_the_reviewed_values(client: TestClient, store: Store) -> None:
    from tests.review_fixtures import LILLE_APRIL_URL

    pid = partnership_of(store, LILLE_URL)
    split = post_form(client, pid, "split", article=LILLE_APRIL_URL)
    remaining, _ = redirect_target(split)
    april = partnership_of(store, LILLE_APRIL_URL)
    redirect_target(post_form(client, april, "signatories", index="1", name="Saint-Louis du Sénégal", kind="municipality", country="SN"))
    offered = re.search(r'<select name="other" id="merge-other">(.*?)</select>', client.get(f"/records/{remaining}").text, re.S)
    assert offered and f'<option value="{april}">Lille ↔ Saint-Louis du Sénégal · 2024-04 · nouveau</option>' in offered.group(1)


def test_a_partnership_whose_country_was_corrected_is_offered_and_merged_across_groups(client: TestClient, store: Store) -> None:
    """Nantes–Niigata was extracted as JP; an analyst finds it is the Senegalese partnership
    of another article: once its countries are corrected, the Lille–Saint-Louis partnership
    offers it for a merge, the merge moves its records into that group, and storing its
    article again (a re-extraction) keeps them there."""
    lille, nantes = partnership_of(store, LILLE_URL), partnership_of(store, NANTES_URL)
    assert f'<option value="{nantes}">' not in client.get(f"/records/{lille}").text
    redirect_target(post_form(client, nantes, "signatories", index="1", name="Saint-Louis", kind="municipality", country="SN"))
    page = client.get(f"/records/{lille}").text
    assert f'<option value="{nantes}">Nantes ↔ Saint-Louis · 2023-06-03 · nouveau</option>' in page
    joined, _ = redirect_target(post_form(client, lille, "merge", other=nantes))
    (partnership,) = [p for p in store.partnerships() if NANTES_URL in p.articles]
    assert partnership.id == joined and set(partnership.articles) >= {LILLE_URL, NANTES_URL}
    assert len(store.partnerships()) == 1
    fill_again = next(line for line in FIXTURES.read_text(encoding="utf-8").splitlines() if NANTES_URL in line)
    item = json.loads(fill_again)
    store.save_article(
        ArticleToStore(Article.model_validate(item["article"]), [PartnershipRecord.model_validate(r) for r in item["records"]], "fixture"),
        "hash-again",
    )
    assert [set(p.articles) >= {LILLE_URL, NANTES_URL} for p in store.partnerships()] == [True]
    assert queue_ids(client, "country=JP") == []
