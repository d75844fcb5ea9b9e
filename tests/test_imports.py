"""No import circle in the project: every module imports alone, as the first of its package.

A module that imports another which (directly or through others) imports it back fails only
when it is imported first, so each module gets a process of its own. Starting a Python and
Django per module costs over a second, so one runner sets up once and forks a child per
module; the child forgets every project module but the models (Django loads those before
anything else, in any real process) and imports its module alone.
"""

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("hubs", "accounts", "config")

# Modules that need neither Django's settings nor its app registry: pure Python, tested without
# a database. Another module may join them; none of these may come to need Django.
WITHOUT_DJANGO = {"hubs.geo", "hubs.placenames"}

RUNNER = textwrap.dedent(
    """
    import json
    import os
    import shutil
    import sys
    import tempfile
    import traceback

    setup, modules = sys.argv[1] == "setup", sys.argv[2:]
    if setup:
        import django

        django.setup()
    project = ("hubs", "accounts", "config")
    # What Django has loaded before any other project code: packages, app configs, models.
    kept = {
        name
        for name in sys.modules
        if name in project
        or name in ("config.settings", "config.apps", "hubs.apps", "accounts.apps")
        or name.endswith(".models")
        or ".models." in name
    }
    results, running, out = {}, {}, tempfile.mkdtemp()
    for module in [*modules, None]:
        while running and (module is None or len(running) >= 2):
            pid, status = os.wait()
            name = running.pop(pid)
            with open(os.path.join(out, name)) as f:
                results[name] = {"ok": os.waitstatus_to_exitcode(status) == 0, "error": f.read()}
        if module is None:
            continue
        pid = os.fork()
        if pid:
            running[pid] = module
            continue
        code = 1
        try:
            for name in list(sys.modules):
                if name.split(".")[0] in project and name not in kept:
                    del sys.modules[name]
            if setup:
                # The admin modules register models again when imported again.
                from django.contrib import admin

                admin.site._registry.clear()
            __import__(module)
            error, code = "", 0
        except Exception as exc:
            kind = f"{type(exc).__module__}.{type(exc).__name__}"
            error = f"{kind}: {exc}\\n{traceback.format_exc()}"
        with open(os.path.join(out, module), "w") as f:
            f.write(error)
        os._exit(code)
    shutil.rmtree(out)
    print(json.dumps(results))
    """
)


def _project_modules():
    modules = []
    for package in PACKAGES:
        for path in sorted((PROJECT_DIR / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def _start(mode, modules):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, mode, *modules],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _results(process):
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


def test_project_modules_are_found():
    modules = _project_modules()

    assert {"hubs.geo", "hubs.views.public", "hubs.models.places", "config.urls"} <= set(modules)
    assert len(modules) == len(set(modules)) > 60


def test_every_module_imports_alone_with_and_without_the_app_registry():
    modules = _project_modules()
    with_django, without = _start("setup", modules), _start("bare", modules)

    set_up, bare = _results(with_django), _results(without)

    assert {m: r["error"] for m, r in set_up.items() if not r["ok"]} == {}
    assert sorted(set_up) == sorted(modules)
    # Without set-up, a module that needs Django may only say the registry is not ready; an
    # ImportError or AttributeError here is a circle.
    refused = {
        m: r["error"]
        for m, r in bare.items()
        if not r["ok"] and not r["error"].startswith("django.core.exceptions.AppRegistryNotReady:")
    }
    assert refused == {}
    assert {m for m, r in bare.items() if r["ok"]} >= WITHOUT_DJANGO


def test_pure_python_modules_import_without_django():
    code = "import sys\n" + "".join(f"import {m}\n" for m in sorted(WITHOUT_DJANGO))
    code += "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr


def _imports(path, module, modules):
    """The project modules ``module`` imports anywhere in its file, at the top or inside a
    function: an import deferred into a function holds a circle apart, it does not remove it."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {name for name in found if name in modules and name != module}


def _circles(graph):
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def _graph(root, packages):
    paths = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {module: _imports(path, module, paths) for module, path in paths.items()}


def test_no_module_imports_another_that_imports_it_back():
    graph = _graph(PROJECT_DIR, PACKAGES)

    assert graph["hubs.queries"] >= {"hubs.models"}
    assert _circles(graph) == []


def test_a_circle_held_apart_by_an_import_in_a_function_is_found(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg import b\n")
    (tmp_path / "pkg" / "b.py").write_text("def late():\n    from pkg.c import x\n")
    (tmp_path / "pkg" / "c.py").write_text("from . import a\nx = 1\n")

    assert _circles(_graph(tmp_path, ["pkg"])) == [["pkg.a", "pkg.b", "pkg.c"]]
