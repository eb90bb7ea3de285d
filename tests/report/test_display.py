"""The notebook HTML of a check: the projection to 64 threads as a table of projected speedups
and their limits, said to be projected, not measured; a refused projection says why."""

from test_figures import PROFILE, PROJECTION

from parevo_lab.report.display import report_html
from parevo_lab.results import Report, from_dict


def _report(verdict="ok", projection=PROJECTION) -> Report:
    return from_dict(
        Report,
        {
            "verdict": verdict,
            "summary": "correct",
            "task": {"name": "csr_neighbour_sum"},
            "candidate": {"function": "kernel"},
            "profile": PROFILE,
            "projection": projection,
        },
    )


def _rows(html: str) -> list[list[str]]:
    import re

    table = html.split('<table class="parevo-projection"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in table.split("<tr>")[2:]]


def test_a_check_shows_its_projection_as_a_table():
    html = report_html(_report())
    assert "projected to 64 threads (static schedule, machine this)" in html
    assert "<b>projected, not measured</b>" in html
    assert "<th>threads</th><th>projected</th><th>limited by</th><th>dynamic schedule</th>" in html
    rows = _rows(html)
    assert rows[0] == ["1", "0.94x", "work", "1.00x"]
    assert rows[2] == ["4", "2.03x", "imbalance", "3.70x"]
    assert rows[-1] == ["64", "3.15x", "serial", "12.49x"]
    # the first limit in words, and the assumptions folded
    assert "<div>imbalance: at 4 threads</div>" in html
    assert "<summary>Assumed</summary><ul><li>this machine&#x27;s cores" in html


def test_its_strings_are_escaped():
    hostile = dict(PROJECTION, machine="<script>x</script>", assumptions=["<b>a</b>"])
    html = report_html(_report(projection=hostile))
    assert "<script>" not in html and "machine &lt;script&gt;x&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;a&lt;/b&gt;</li>" in html


def test_a_refused_projection_says_why_and_a_wrong_kernel_shows_none():
    refused = {"status": "not_projected", "reason": "the replay changed the results"}
    html = report_html(_report(projection=refused))
    assert "Not projected beyond this machine: the replay changed the results" in html
    assert "parevo-projection" not in html
    # a wrong kernel's speed means nothing (the full text report below still lists it)
    for html in (report_html(_report(verdict="wrong")), report_html(_report(projection=None))):
        assert "parevo-projection" not in html and "projected, not measured</b>" not in html


def test_every_view_quotes_the_same_first_limit_and_skips_one_without_a_sentence():
    from parevo_lab.report.text import projection_lines
    from parevo_lab.results import Projection, first_limit

    # the first non-work point (4 threads) says nothing: the next one with a sentence is quoted
    points = [dict(p) for p in PROJECTION["points"]]
    points[2]["detail"] = ""
    points[3]["detail"] = "imbalance: at 8 threads one thread has 40% of the loop's work"
    said = dict(PROJECTION, points=points)
    projection = from_dict(Projection, said)
    assert first_limit(points)["threads"] == first_limit(projection.points).threads == 8
    text = "\n".join(projection_lines(projection))
    assert "limit from 8 threads: imbalance: at 8 threads one thread has 40%" in text
    assert "<div>imbalance: at 8 threads one thread has 40%" in report_html(
        _report(projection=said)
    )
    # only the work itself: no limit anywhere
    plain = [dict(p, bound="work") for p in points]
    assert first_limit(plain) is None
    assert "limit from" not in "\n".join(
        projection_lines(from_dict(Projection, {**said, "points": plain}))
    )
