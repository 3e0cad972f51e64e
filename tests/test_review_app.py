"""The review application in-process: escaping, CSRF, the operator token, the concurrent-edit
conflict, validation errors, history, grouping, and the flow of decisions to the export.

The store is filled with the hand-written articles of ``fixtures/review/articles.jsonl``
(one with HTML and a script, two reporting one partnership with different dates), on
each engine the store supports (``tests.review_fixtures``)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.records import PartnershipRecord
from pipeline.review.app import create_app
from pipeline.review.cli import run_review
from pipeline.review.queries import load_partnership
from pipeline.review.security import TOKEN_ENVIRONMENT_VARIABLE, TokenRequired, check_listening
from pipeline.store.exports import export
from pipeline.store.repository import EditConflict, Store
from tests.review_fixtures import (  # noqa: F401 - fixtures
    LILLE_APRIL_URL,
    LILLE_URL,
    client,
    form_token,
    form_version,
    login,
    partnership_of,
    postgres_server,
    store,
)


def test_article_html_and_script_are_shown_not_run(client: TestClient, store: Store) -> None:
    page = client.get(f"/records/{partnership_of(store, LILLE_URL)}?article={LILLE_URL}")
    assert page.status_code == 200
    assert "<script>document.title" not in page.text
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page.text
    assert "<b>signent</b>" not in page.text and "&lt;b&gt;signent&lt;/b&gt;" in page.text
    # The only scripts are the application's own file, and the browser is told to run no other.
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/review.js" defer>']
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # falls back to 'self': no inline script
    assert page.headers["x-frame-options"] == "DENY"


def test_analyst_values_are_escaped_in_the_page_and_history(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    reason = '<img src=x onerror="alert(1)">'
    answer = client.post(
        f"/records/{pid}/decision",
        data={"csrf_token": form_token(page.text), "version": form_version(page.text), "decision": "rejected", "reason": reason, "then": "stay"},
    )
    assert answer.status_code == 200 and re.search(r'id="status">rejeté<', answer.text)
    assert reason not in answer.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in answer.text


def test_signing_date_evidence_is_marked_in_its_colour(client: TestClient, store: Store) -> None:
    page = client.get(f"/records/{partnership_of(store, LILLE_URL)}?article={LILLE_URL}")
    assert '<mark class="ev ev-signed_on" data-fields="signed_on" title="date de signature — règle date.absolute">Le 12 mars 2024</mark>' in page.text


def test_post_without_or_with_a_foreign_csrf_token_is_refused(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    accept = {"version": form_version(page.text), "decision": "accepted"}
    assert client.post(f"/records/{pid}/decision", data=accept).status_code == 403
    other_browser = TestClient(client.app)
    foreign_token = form_token(other_browser.get("/login").text)
    assert client.post(f"/records/{pid}/decision", data={**accept, "csrf_token": foreign_token}).status_code == 403
    forged_origin = client.post(
        f"/records/{pid}/decision", data={**accept, "csrf_token": form_token(page.text)}, headers={"Origin": "https://evil.example"}
    )
    assert forged_origin.status_code == 403
    assert store.partnerships()[0].status != "accepted" and all(p.status != "accepted" for p in store.partnerships())


def test_listening_beyond_localhost_needs_the_operator_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_listening("127.0.0.1", None)
    with pytest.raises(TokenRequired):
        check_listening("0.0.0.0", None)
    monkeypatch.delenv(TOKEN_ENVIRONMENT_VARIABLE, raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = argparse.Namespace(db=f"sqlite:///{tmp_path / 'x.db'}", host="0.0.0.0", port=port)
    assert run_review(args) == 2
    assert not (tmp_path / "x.db").exists()


def test_operator_token_guards_pages_and_api(store: Store) -> None:
    client = TestClient(create_app(store, operator_token="s3cret-token"))
    queue = client.get("/queue", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"].startswith("/login")
    assert client.get("/api/partnerships").status_code == 401
    assert client.get("/api/partnerships", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/partnerships", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    page = client.get("/login")
    refused = client.post("/login", data={"csrf_token": form_token(page.text), "name": "Alice", "token": "wrong", "next": "/queue"})
    assert refused.status_code == 401 and "incorrect" in refused.text
    login(client, "Alice", "s3cret-token")
    assert client.get("/queue").status_code == 200


def test_second_analyst_editing_the_same_record_gets_a_conflict(store: Store) -> None:
    app = create_app(store)
    alice, bruno = TestClient(app), TestClient(app)
    login(alice, "Alice")
    login(bruno, "Bruno")
    pid = partnership_of(store, LILLE_URL)
    alice_page, bruno_page = alice.get(f"/records/{pid}"), bruno.get(f"/records/{pid}")
    first = alice.post(
        f"/records/{pid}/decision",
        data={"csrf_token": form_token(alice_page.text), "version": form_version(alice_page.text), "decision": "accepted"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = bruno.post(
        f"/records/{pid}/edit",
        data={
            "csrf_token": form_token(bruno_page.text),
            "version": form_version(bruno_page.text),
            "agreement_type": "twinning",
            "signed_on": "2020",
        },
    )
    assert second.status_code == 409
    assert "modifié par Alice" in second.text and "n&#39;ont pas été enregistrés" in second.text
    # Bruno's typed values stay in the form, the current ones beside them, the form now at the current version.
    edit_form = re.search(r'<form method="post" action="/records/[^"]+/edit" id="edit-form".*?</form>', second.text, re.S)
    assert edit_form
    assert '<option value="twinning" selected>' in edit_form.group(0) and 'name="signed_on" id="signed_on" value="2020"' in edit_form.group(0)
    assert re.search(r'data-current="signed_on">actuel : 2024-03-12<', edit_form.group(0))
    assert f'name="version" value="{load_partnership(store.engine, pid).version}"' in edit_form.group(0)
    stored = next(p for p in store.partnerships() if p.id == pid)
    assert stored.status == "accepted" and stored.document["signed_on"] == "2024-03-12"
    assert stored.document["agreement_type"] == "cooperation_agreement"


def test_invalid_edit_shows_the_models_error_next_to_the_field(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    answer = client.post(
        f"/records/{pid}/edit",
        data={"csrf_token": form_token(page.text), "version": "0", "agreement_type": "cooperation_agreement", "signed_on": "2024-02-30"},
    )
    assert answer.status_code == 422
    assert re.search(r'id="signed_on-error">« 2024-02-30 » n&#39;est pas une date réelle', answer.text)
    assert 'value="2024-02-30"' in answer.text
    assert next(p for p in store.partnerships() if p.id == pid).document["signed_on"] == "2024-03-12"


def test_corrections_and_acceptance_reach_the_export_with_history(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    token = form_token(page.text)
    edited = client.post(
        f"/records/{pid}/edit",
        data={
            "csrf_token": token,
            "version": "0",
            "agreement_type": "cooperation_agreement",
            "agreement_label": "convention de coopération décentralisée",
            "signed_on": "2024-03-14",
            "duration": "P3Y",
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303
    version = form_version(client.get(f"/records/{pid}").text)
    theme = client.post(f"/records/{pid}/themes", data={"csrf_token": token, "version": version, "code": "youth"}, follow_redirects=False)
    assert theme.status_code == 303
    version = form_version(client.get(f"/records/{pid}").text)
    party = client.post(
        f"/records/{pid}/signatories",
        data={"csrf_token": token, "version": version, "name": "Région Hauts-de-France", "kind": "region", "country": "fr"},
        follow_redirects=False,
    )
    assert party.status_code == 303
    version = form_version(client.get(f"/records/{pid}").text)
    accepted = client.post(f"/records/{pid}/decision", data={"csrf_token": token, "version": version, "decision": "accepted", "then": "stay"})
    assert accepted.status_code == 200
    history = re.search(r'<table class="history".*?</table>', accepted.text, re.S)
    assert history
    assert re.search(r"<td>date de signature</td>\s*<td>2024-03-12</td><td>2024-03-14</td>", history.group(0))
    assert re.search(r"<td>statut</td>\s*<td>nouveau</td><td>accepté</td>", history.group(0))
    lines = [json.loads(line) for line in export(store.partnerships("accepted"), "jsonl").splitlines()]
    assert lines and {line["signed_on"] for line in lines} == {"2024-03-14"}
    assert all({"water_sanitation", "youth"} <= {t["code"] for t in line["themes"]} for line in lines)
    assert all({"Lille", "Saint-Louis", "Région Hauts-de-France"} == {p["name"] for p in line["signatories"]} for line in lines)


def test_reject_needs_a_reason(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    answer = client.post(f"/records/{pid}/decision", data={"csrf_token": form_token(page.text), "version": "0", "decision": "rejected"})
    assert answer.status_code == 422 and "raison du rejet" in answer.text


def test_queue_filters_and_counts(client: TestClient) -> None:
    everything = client.get("/queue")
    assert "Lille" in everything.text and "Nantes" in everything.text
    assert re.search(r"à arbitrer <b>1</b>", everything.text) and re.search(r"nouveau <b>1</b>", everything.text)
    japan = client.get("/queue?country=jp")
    assert "Nantes" in japan.text and "Lille" not in japan.text
    in_2024 = client.get("/queue?date_from=2024-01-01&date_to=2024-12-31")
    assert "Lille" in in_2024.text and "Nantes" not in in_2024.text
    by_source = client.get("/queue?source=Cites-Unies")  # any case
    assert "Lille" in by_source.text and "Nantes" not in by_source.text
    by_theme = client.get("/queue?theme=culture_heritage")
    assert "Nantes" in by_theme.text and "Lille" not in by_theme.text
    by_text = client.get("/queue?q=niigata")
    assert "Nantes" in by_text.text and "Lille" not in by_text.text
    assert "Aucun partenariat" in client.get("/queue?status=accepted").text


def test_record_page_links_supporting_articles_and_puts_the_disagreement_first(client: TestClient, store: Store) -> None:
    page = client.get(f"/records/{partnership_of(store, LILLE_URL)}")
    assert LILLE_APRIL_URL in page.text
    disagreements = re.search(r'<div class="disagreements" id="disagreements">.*?</div>\s*</div>', page.text, re.S)
    assert disagreements and "Désaccords entre articles : 1 à trancher" in disagreements.group(0)
    assert "donnent des valeurs différentes" in disagreements.group(0)
    assert "<b>2024-03-12</b>" in disagreements.group(0) and "<b>2024-04</b>" in disagreements.group(0)
    assert disagreements.group(0).count(">Retenir</button>") == 2
    # Above the decision buttons and the fields: the first thing of the panel.
    assert page.text.index('id="disagreements"') < page.text.index('id="accept-form"') < page.text.index('class="values"')


def test_overview_links_to_the_filtered_queue(client: TestClient) -> None:
    page = client.get("/overview")
    assert page.status_code == 200
    assert 'href="/queue?status=active&amp;country=JP"' in page.text and 'href="/queue?status=active&amp;country=SN"' in page.text
    assert 'href="/queue?status=active&amp;theme=water_sanitation"' in page.text
    assert 'href="/queue?status=active&amp;date_from=2024&amp;date_to=2024"' in page.text
    world = re.search(r'<svg class="world".*?</svg>', page.text, re.S)
    assert world and world.group(0).count('<path class="arc"') == 2


def test_api_filters_and_updated_since_cursor(client: TestClient, store: Store) -> None:
    first = client.get("/api/partnerships").json()
    assert first["total"] == 2
    for item in first["items"]:
        PartnershipRecord.model_validate(item)
    assert {i["record_id"] for i in first["items"]} == {p.id for p in store.partnerships()}
    assert client.get("/api/partnerships?country=JP").json()["total"] == 1
    assert client.get("/api/partnerships", params={"updated_since": first["as_of"]}).json()["total"] == 0
    as_of_in_paris_summer = dt.datetime.fromisoformat(first["as_of"]).astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert client.get("/api/partnerships", params={"updated_since": as_of_in_paris_summer.isoformat()}).json()["total"] == 0
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    client.post(f"/records/{pid}/decision", data={"csrf_token": form_token(page.text), "version": "0", "decision": "accepted", "then": "stay"})
    changed = client.get("/api/partnerships", params={"updated_since": first["as_of"]}).json()
    assert [i["record_id"] for i in changed["items"]] == [pid]
    assert client.get("/api/partnerships?per_page=1&page=2").json()["items"][0]["record_id"] in {p.id for p in store.partnerships()}


def test_simultaneous_decisions_on_one_version_let_exactly_one_through(store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def analyst(name: str) -> None:
        start.wait()
        try:
            store.decide_versioned(pid, {"signed_on": f"2024-03-1{len(outcomes) % 9}", "status": "accepted"}, name, expected_version=0)
            outcomes.append("written")
        except EditConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=analyst, args=(f"analyst {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "written"]
    decided = load_partnership(store.engine, pid)
    assert decided is not None and len(decided.decisions) == 2 and len({d.reviewer for d in decided.decisions}) == 1


def test_split_and_merge_from_the_record_page_are_kept_with_history(client: TestClient, store: Store) -> None:
    login(client, "Alice")
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}?article={LILLE_APRIL_URL}")
    assert 'id="split-form"' in page.text and 'id="merge-form"' not in page.text  # no other Senegal partnership yet
    split = {"csrf_token": form_token(page.text), "version": form_version(page.text), "article": LILLE_APRIL_URL}
    assert client.post(f"/records/{pid}/split", data={k: v for k, v in split.items() if k != "csrf_token"}).status_code == 403
    assert len(store.partnerships()) == 2
    answer = client.post(f"/records/{pid}/split", data={**split, "note": "deux conventions"})
    assert answer.status_code == 200 and "article séparé" in answer.text
    split_out = partnership_of(store, LILLE_APRIL_URL)
    assert split_out != pid and len(store.partnerships()) == 3
    history = re.search(r'<table class="history".*?</table>', answer.text, re.S)
    assert history and re.search(r'<td>Alice</td><td>séparation</td>\s*<td class="long">—</td><td class="long">article séparé : [^<]*saint-louis-lille-avril[^<]*</td><td>deux conventions</td>', history.group(0))
    # The other Senegal partnership is now offered for a merge; a merge without a token is refused.
    page = client.get(f"/records/{pid}")
    assert f'<option value="{split_out}">' in page.text
    merge = {"csrf_token": form_token(page.text), "version": form_version(page.text), "other": split_out}
    assert client.post(f"/records/{pid}/merge", data={k: v for k, v in merge.items() if k != "csrf_token"}).status_code == 403
    assert len(store.partnerships()) == 3
    merged = client.post(f"/records/{pid}/merge", data=merge, follow_redirects=False)
    assert merged.status_code == 303
    (joined,) = [p for p in store.partnerships() if LILLE_URL in p.articles]
    assert set(joined.articles) == {LILLE_URL, LILLE_APRIL_URL}
    shown = client.get(merged.headers["location"])
    assert "partenariats fusionnés" in shown.text and re.search(r"<td>Alice</td><td>fusion</td>", shown.text)


def test_split_and_merge_refuse_a_stale_version_and_foreign_partnerships(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}")
    token = form_token(page.text)
    store.decide_versioned(pid, {"status": "accepted"}, "Bruno", expected_version=0)
    stale = client.post(f"/records/{pid}/split", data={"csrf_token": token, "version": "0", "article": LILLE_APRIL_URL})
    assert stale.status_code == 409 and "modifié par Bruno" in stale.text
    version = form_version(client.get(f"/records/{pid}").text)
    nantes = partnership_of(store, "https://example.org/nantes-niigata")
    foreign = client.post(f"/records/{pid}/merge", data={"csrf_token": token, "version": version, "other": nantes})
    assert foreign.status_code == 422 and 'id="grouping-error"' in foreign.text
    not_a_member = client.post(f"/records/{pid}/split", data={"csrf_token": token, "version": version, "article": "https://example.org/nantes-niigata"})
    assert not_a_member.status_code == 422
    assert {frozenset(p.articles) for p in store.partnerships()} == {
        frozenset({LILLE_URL, LILLE_APRIL_URL}),
        frozenset({"https://example.org/nantes-niigata"}),
    }
