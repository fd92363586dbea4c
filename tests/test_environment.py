"""The set-up files agree with each other, and CI runs exactly what the README tells people to run."""
import re
import subprocess

import yaml

from autograder import assignment as course
from autograder import pins


def test_environment_yml_pins_what_the_readme_set_up_installs():
    """The dependencies and the dev extra: torch and the student kit stay out of the set-up."""
    environment = yaml.safe_load((course.ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert set(p for p in pip if not p.startswith("-e")) == set(pins.dependencies() + pins.extra("dev"))
    assert pins.conda_python() in environment["dependencies"]


def test_the_project_installs_on_python_3_11_to_3_14():
    """Debian 13's own 3.13.5 among them: pip refused it under '<3.13' at the README's first command."""
    import tomllib

    from packaging.specifiers import SpecifierSet

    supported = SpecifierSet(tomllib.loads((course.ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert all(version in supported for version in ("3.11.0", "3.12.12", "3.13.5", "3.14.0", "3.14.9"))
    assert "3.10.13" not in supported and "3.15.0" not in supported  # numpy 2.4.6 has no wheel for 3.15
    assert pins.python_versions() == ["3.11", "3.12", "3.13", "3.14"]
    assert pins.conda_python() == "python>=3.11,<3.15"


def test_the_readme_names_the_projects_pythons():
    versions = pins.python_versions()
    assert f"## Set up and test (Python {versions[0]} to {versions[-1]};" in (course.ROOT / "README.md").read_text()


def test_every_dependency_is_pinned():
    for pin in pins.everything():
        assert re.fullmatch(r"[\w\-\[\],]+==[\w.]+", pin), pin


def readme_blocks():
    """The command blocks of the README that CI runs, in order."""
    text = (course.ROOT / "README.md").read_text()
    blocks = re.findall(r"<!-- ci: begin -->\s*```bash\n(.*?)```\s*<!-- ci: end -->", text, re.S)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def test_readme_opens_with_the_two_setup_and_test_commands():
    assert readme_blocks()[0] == ['pip install -e ".[dev]"', "pytest"]
    first_screen = "\n".join((course.ROOT / "README.md").read_text().splitlines()[:40])
    assert "<!-- ci: end -->" in first_screen


def test_the_set_up_leaves_torch_out_and_ci_still_runs_the_crosscheck():
    assert not any("torch" in command for command in readme_blocks()[0])
    later = [command for block in readme_blocks()[1:] for command in block]
    assert any(command.startswith("pip install") and "torch" in command for command in later)
    assert any("test_torch_crosscheck.py" in command for command in later)


def test_ci_runs_the_readme_blocks():
    script = (course.ROOT / ".ci" / "run").read_text()
    assert "<!-- ci: begin -->" in script and "README.md" in script
    listed = subprocess.run(["bash", str(course.ROOT / ".ci" / "run"), "--print"], capture_output=True,
                            text=True, check=True, cwd=course.ROOT).stdout.splitlines()
    assert listed == [command for block in readme_blocks() for command in block]
