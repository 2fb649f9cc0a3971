"""Every page in headless Chromium against a real uvicorn server: charts drawn, no console
errors, no request leaving localhost, a screenshot per page (tests/out/browser/, git-ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_web_data import LiveServer, build_db

from barograph.interfaces.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parent / "out" / "browser"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "b.duckdb"
    facts = build_db(path)
    with LiveServer(create_app(path)) as s:
        yield s, facts


def visit(browser, url: str, shot: str, ready: str | None):
    """Open `url`, wait for `ready`, screenshot; return (page, console errors, foreign requests, failures)."""
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    page = ctx.new_page()
    errors, foreign, failed = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) and not r.url.startswith("data:") else None
        ),
    )
    page.on("requestfailed", lambda r: failed.append(r.url))
    resp = page.goto(url, wait_until="networkidle")
    assert resp.status == 200, (url, resp.status)
    if ready:
        page.wait_for_selector(ready, timeout=10_000)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{shot}.png"), full_page=True)
    return ctx, page, errors, foreign, failed


def check_clean(errors, foreign, failed):
    assert not errors, errors
    assert not foreign, foreign
    assert not failed, failed


def test_overview_draws_the_network(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/", "overview", "#network svg circle")
    check_clean(*problems)
    assert page.locator("#network svg circle").count() >= 4
    assert page.locator("#network svg path").count() >= 3  # edges
    colours = set(page.eval_on_selector_all("#network .links path", "ps => ps.map(p => p.getAttribute('stroke'))"))
    assert len(colours) >= 2  # cooperation and conflict are told apart
    assert page.locator("table.dyads tbody tr").count() >= 3
    ctx.close()


def test_dyad_page_draws_timeline_and_lists_evidence(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/dyad/RUS/TUR", "dyad", "#timeline svg rect")
    check_clean(*problems)
    assert page.locator("#timeline svg g rect").count() >= 5
    assert page.locator("#timeline .axis").count() == 2
    assert page.locator("table.events tbody tr").count() > 5
    page.wait_for_selector("#forecast p, #forecast ul")
    # follow an evidence link to the article: the sentence is there, highlighted and targeted
    link = page.locator("td.evidence a").first
    text = link.inner_text().rstrip(".…")
    link.click()
    page.wait_for_selector("mark.evidence.current")
    assert text[:40] in page.locator("mark.evidence.current").inner_text()
    page.screenshot(path=str(OUT / "article-from-dyad.png"), full_page=True)
    ctx.close()


def test_actor_page_draws_partners(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/actor/TUR", "actor", "#partners svg rect")
    check_clean(*problems)
    assert page.locator("#partners svg rect").count() >= 2
    ctx.close()


def test_article_page_highlights_events(site, browser):
    s, facts = site
    ctx, page, *problems = visit(browser, s.url + f"/article/{facts['articles'][40]}", "article", "mark.evidence")
    check_clean(*problems)
    marks = page.locator("mark.evidence").count()
    assert marks >= 2 and page.locator("mark.evidence strong.trigger").count() >= 1
    assert page.locator("ol.article-events li").count() >= marks
    ctx.close()


def test_search_page_filters_and_exports(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/search", "search", "table.events")
    check_clean(*problems)
    page.fill("form.filters input[name=q]", "jet")
    page.fill("form.filters input[name=dyad]", "RUS,TUR")
    page.click("form.filters button")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.events tbody tr")
    assert rows.count() > 0
    assert all("jet" in t.lower() for t in page.locator("td.evidence").all_inner_texts())
    href = page.locator(".export a", has_text="CSV").first.get_attribute("href")
    assert "q=jet" in href and "dyad=RUS%2CTUR" in href
    page.screenshot(path=str(OUT / "search-filtered.png"), full_page=True)
    ctx.close()


def test_api_docs_render_from_vendored_swagger(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/docs", "docs", ".swagger-ui .opblock")
    errors, foreign, failed = problems
    assert not foreign and not failed
    assert page.locator(".swagger-ui .opblock").count() >= 8
    ctx.close()


def test_actor_page_lists_aliases_and_dyads(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/actor/TUR", "actor-dyads", "table.dyads tbody tr")
    check_clean(*problems)
    aliases = page.locator("p.aliases").inner_text().lower()
    assert "turkey" in aliases  # from the actor dictionaries
    rows = page.locator("table.dyads tbody tr")
    assert rows.count() >= 2
    first = rows.first.locator("td").all_inner_texts()
    assert "TUR" in first[:2] and int(first[2].replace(",", "")) > 0
    rows.first.locator("a").click()
    page.wait_for_selector("#timeline svg rect")
    assert "/dyad/" in page.url
    ctx.close()


def test_search_box_suggests_actor_codes_for_a_name(site, browser):
    s, _ = site
    ctx, page, *problems = visit(browser, s.url + "/search", "search-autocomplete", "table.events")
    box = page.locator("form.filters input[name=actors]")
    box.click()
    box.type("RUS, turk", delay=20)
    page.wait_for_selector("#actor-options option", state="attached", timeout=10_000)
    values = page.locator("#actor-options option").evaluate_all("os => os.map(o => o.value)")
    labels = page.locator("#actor-options option").evaluate_all("os => os.map(o => o.label)")
    assert values[0] == "RUS, TUR" and "Turkey" in labels[0]  # the stored actor first, the earlier codes kept
    with page.expect_response(lambda r: "/api/actor-search?q=TUR" in r.url):
        box.fill(values[0])  # picking the suggestion asks once more, for the code itself
    page.click("form.filters button")
    page.wait_for_load_state("networkidle")
    assert "actors=RUS%2C+TUR" in page.url or "actors=RUS%2C%20TUR" in page.url
    assert page.locator("table.events tbody tr").count() > 0
    check_clean(*problems)
    ctx.close()
