"""The two-command set-up: one dependency list (pyproject), one lock (constraints.txt), and an
environment.yml that only delegates to pip, so conda and pip cannot drift."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_only_delegates_to_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    plain = [d for d in deps if isinstance(d, str)]
    pip = [d for d in deps if isinstance(d, dict)]
    assert sorted(plain) == ["pip", "python=3.11"], plain
    assert len(pip) == 1 and sorted(pip[0]["pip"]) == ["-c constraints.txt", "-e ."], pip


def test_every_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = [_norm(re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0]) for d in project["dependencies"]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt line without exact version: {line}"
            pins[_norm(name)] = version
    missing = [d for d in deps if d not in pins]
    assert not missing, f"dependencies without an exact pin in constraints.txt: {missing}"
    assert project["requires-python"].startswith(">=3.11")


def test_makefile_targets_and_ci():
    mk = (ROOT / "Makefile").read_text()
    for target in ("help", "report", "test", "lab", "bench", "data"):
        assert re.search(rf"^{target}:.*## ", mk, re.M), f"make {target} missing or undocumented"
    assert "constraints.txt" in mk and "venv" in mk
    assert "make test" in (ROOT / ".ci" / "run").read_text()
