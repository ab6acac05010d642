"""The harness itself: axe failures really fail a test."""

import pytest

pytestmark = pytest.mark.browser


def test_audit_fails_on_a_critical_accessibility_violation(page, audit, live_server):
    page.goto("/healthz")
    page.set_content(
        '<html lang="en"><head><title>Bad</title></head><body><main><img src="x.png"></main></body></html>'
    )

    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        audit(page)


def test_audit_passes_a_clean_page(page, audit, live_server):
    page.goto("/healthz")
    page.set_content(
        '<html lang="en"><head><title>Good</title></head>'
        "<body><main><h1>Fine</h1><p>All well.</p></main></body></html>"
    )

    results = audit(page)

    assert not [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
