"""The query layer and the views stay short enough to read at a sitting: ``hubs/queries.py``,
``hubs/search.py`` and every view module under 400 lines. Past that, a module is split by what
it holds (the search page's reads left ``queries.py`` for ``search.py`` at 444 lines)."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
AT_MOST_LINES = 399


def test_query_and_view_modules_are_under_400_lines():
    hubs = PROJECT_DIR / "hubs"
    modules = [hubs / "queries.py", hubs / "search.py", *sorted((hubs / "views").glob("*.py"))]

    lines = {
        path.relative_to(PROJECT_DIR).as_posix(): len(path.read_text().splitlines())
        for path in modules
    }

    assert len(lines) > 10  # The views are found: a test that reads no module would pass.
    assert {name: count for name, count in lines.items() if count > AT_MOST_LINES} == {}
