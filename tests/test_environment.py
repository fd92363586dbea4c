"""The set-up files agree with each other, and CI runs exactly what the README tells people to run."""
import re
import subprocess
import tomllib

import yaml

from autograder import paths


def pyproject():
    with open(paths.ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def pins():
    """Every pinned requirement: the dependencies and all extras (dev, torch), which the set-up installs."""
    project = pyproject()["project"]
    return project["dependencies"] + [pin for extra in project["optional-dependencies"].values() for pin in extra]


def test_environment_yml_pins_the_same_packages_as_pyproject():
    environment = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert set(p for p in pip if not p.startswith("-e")) == set(pins())
    assert "python=3.11" in environment["dependencies"]


def test_every_dependency_is_pinned():
    for pin in pins():
        assert re.fullmatch(r"[\w\-\[\],]+==[\w.]+", pin), pin


def readme_commands():
    text = (paths.ROOT / "README.md").read_text()
    block = re.search(r"<!-- ci: begin -->\s*```bash\n(.*?)```\s*<!-- ci: end -->", text, re.S)
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_the_two_setup_and_test_commands():
    assert readme_commands() == ['pip install -e ".[dev,torch]"', "pytest"]
    first_screen = "\n".join((paths.ROOT / "README.md").read_text().splitlines()[:40])
    assert "<!-- ci: end -->" in first_screen


def test_ci_runs_the_readme_block():
    script = (paths.ROOT / ".ci" / "run").read_text()
    assert "<!-- ci: begin -->" in script and "README.md" in script
    listed = subprocess.run(["bash", str(paths.ROOT / ".ci" / "run"), "--print"], capture_output=True,
                            text=True, check=True, cwd=paths.ROOT).stdout.splitlines()
    assert listed == readme_commands()
