"""Grading through the real path: the built autograder zips, `python -m autograder grade` and `otter run`.

One session-wide run of the command line per assignment grades the reference
solutions, the untouched stubs, the notebook's export zip, awkward layouts,
every bug of the assignment's bug library and every correct alternative; the
tests then read its gradebook, results.json files and feedback.
"""
import csv
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import buglib
from autograder import assignment as course
from autograder.grading.grade import question_points
from autograder.grading.results import gradescope_format_problems
from autograder.build.release import MACHINERY, student_copy

ASSIGNMENTS = course.every()
RNN = course.load("rnn_shortcomings")
POINTS = {a.name: question_points(a.checks, a.question_names) for a in ASSIGNMENTS}
LIBRARY = {a.name: buglib.load(a) for a in ASSIGNMENTS}
CORRECT = {a.name: buglib.load(a, buglib.CORRECT) for a in ASSIGNMENTS}


def entries(libraries, where=lambda entry: True):
    """(assignment, entry name) of every entry of every assignment's library, for parametrize."""
    return [pytest.param(a, name, id=f"{a.name}/{name}") for a in ASSIGNMENTS
            for name, entry in sorted(libraries[a.name].items()) if where(entry)]


@pytest.fixture(scope="session")
def autograder_zips(autograder_zip):
    return buglib.PerAssignment(autograder_zip)


@pytest.fixture(scope="session")
def submissions(tmp_path_factory, exported_submission):
    """Per assignment: submission name -> folder or zip."""
    def make(assignment):
        root = tmp_path_factory.mktemp(f"submissions-{assignment.name}")
        subs = {
            "reference": student_copy(assignment, root / "reference", assignment.source),
            "stubs": student_copy(assignment, root / "stubs"),
        }
        old = subs["old_layout"] = student_copy(assignment, root / "old_layout", assignment.source)
        for path in (old / MACHINERY).iterdir():  # the kit before tests/support/: its machinery at the top
            shutil.copyfile(path, old / path.name)
        shutil.rmtree(old / MACHINERY)
        # what the notebook's last cell packs (notebook, Otter's log, the files), under a name the rows can use
        subs["exported"] = Path(shutil.copyfile(exported_submission(assignment), root / "exported.zip"))
        nested = root / "nested.zip"  # files inside one folder, next to a notebook, as students zip them
        with zipfile.ZipFile(nested, "w") as archive:
            for name in assignment.submitted_files:
                archive.write(assignment.source / name, f"my work/{name}")
            archive.writestr(f"my work/{assignment.notebook}", "{}")
        subs["nested"] = nested
        inside = root / "export_in_a_folder"  # the export zip uploaded inside a folder (or zipped again)
        inside.mkdir()
        shutil.copyfile(exported_submission(assignment), inside / "upload.zip")
        subs["export_in_a_folder"] = inside
        bomb = root / "inner_zip_too_large"  # an inner zip is unpacked within the same bounds
        bomb.mkdir()
        with zipfile.ZipFile(bomb / "upload.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(assignment.submitted_files[0], b"#" * (60 * 2**20))
        subs["inner_zip_too_large"] = bomb
        broken = root / "broken.zip"
        broken.write_bytes(b"this is not a zip file")
        subs["broken"] = broken
        data = exported_submission(assignment).read_bytes()
        truncated = root / "truncated.zip"  # an upload cut short: the start of a real zip
        truncated.write_bytes(data[:len(data) // 2])
        subs["truncated"] = truncated
        with zipfile.ZipFile(exported_submission(assignment)) as archive:  # the notebook alone, downloaded
            notebook = root / "notebook_only.ipynb"
            notebook.write_bytes(archive.read(assignment.notebook))
        subs["notebook_only"] = notebook
        for name, entry in {**LIBRARY[assignment.name], **CORRECT[assignment.name]}.items():
            subs[name] = buglib.write_submission(assignment, entry, root / name)
        return subs

    return buglib.PerAssignment(make)


@pytest.fixture(scope="session")
def graded(tmp_path_factory, autograder_zips, submissions):
    """Per assignment: (out folder, gradebook rows by submission name), from one grading run each."""
    def grade(assignment):
        out = tmp_path_factory.mktemp(f"grades-{assignment.name}")
        run = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", *map(str, submissions[assignment.name].values()),
             "--out", str(out), "--autograder", str(autograder_zips[assignment.name]), *buglib.GRADE_OPTIONS],
            capture_output=True, text=True,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        with open(out / "grades.csv") as f:
            return out, {row["submission"]: row for row in csv.DictReader(f)}

    return buglib.PerAssignment(grade)


def scores(assignment, row):
    return {q: float(row[q]) for q in assignment.question_names}


def full_marks(assignment):
    return {q: float(p) for q, p in POINTS[assignment.name].items()}


def results(out, name):
    return json.loads((out / name / "results.json").read_text())


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_reference_solutions_get_full_marks(graded, assignment):
    _, rows = graded[assignment.name]
    assert scores(assignment, rows["reference"]) == full_marks(assignment)
    assert float(rows["reference"]["total"]) == 100 and rows["reference"]["status"] == "ok"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_untouched_stubs_get_zero(graded, assignment):
    _, rows = graded[assignment.name]
    assert scores(assignment, rows["stubs"]) == {q: 0.0 for q in assignment.question_names}
    assert rows["stubs"]["status"] == "ok"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_folder_of_the_kits_earlier_layout_grades_like_the_new_one(graded, assignment):
    _, rows = graded[assignment.name]
    assert scores(assignment, rows["old_layout"]) == full_marks(assignment) and rows["old_layout"]["status"] == "ok"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_files_inside_a_folder_next_to_a_notebook_grade_like_flat_files(graded, assignment):
    _, rows = graded[assignment.name]
    assert float(rows["nested"]["total"]) == 100
    assert "my work" in rows["nested"]["message"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_broken_submission_is_an_error_with_zero_and_the_rest_still_grades(graded, submissions, assignment):
    _, rows = graded[assignment.name]
    assert rows["broken"]["status"] == "error" and float(rows["broken"]["total"]) == 0
    assert "zip" in rows["broken"]["message"]
    # reference, stubs, the earlier layout, exported, nested, the export inside a folder, the inner zip too
    # large, broken, truncated, the notebook alone and the two libraries
    assert len(rows) == len(submissions[assignment.name]) == 10 + len(LIBRARY[assignment.name]) + len(CORRECT[assignment.name])


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_zip_cut_short_is_called_damaged_and_a_notebook_alone_keeps_its_written_answers(graded, assignment):
    out, rows = graded[assignment.name]
    assert rows["truncated"]["status"] == "error"
    assert "truncated.zip is a damaged zip file (cut short, or damaged data)" in rows["truncated"]["message"]
    name = rows["notebook_only"]["submission"]
    assert rows["notebook_only"]["status"] == "error" and "no submission files found" in rows["notebook_only"]["message"]
    feedback = (out / name / "feedback.txt").read_text()  # the export's notebook: its answers read, unanswered
    assert "no notebook in the submission" not in feedback
    for question in assignment.written:
        assert f"{question.name} ({question.points:g} points): not answered (the placeholder is still there)" \
            in feedback, feedback[-800:]


@pytest.mark.parametrize("assignment, bug", entries(LIBRARY))
def test_each_bug_loses_its_own_questions_points_and_no_others(graded, assignment, bug):
    _, rows = graded[assignment.name]
    entry = LIBRARY[assignment.name][bug]
    expected = {q: float(entry["scores"].get(q, POINTS[assignment.name][q])) for q in assignment.question_names}
    assert scores(assignment, rows[bug]) == expected
    for question, score in entry["scores"].items():
        assert score < POINTS[assignment.name][question], f"{bug} is listed as breaking {question} but keeps full marks"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_libraries_are_apart_and_every_bug_breaks_something(assignment):
    bugs, correct = LIBRARY[assignment.name], CORRECT[assignment.name]
    assert not set(bugs) & set(correct)
    assert all(bugs[bug]["scores"] and bugs[bug]["hint"] for bug in bugs)
    assert all("scores" not in entry and entry["says"] for entry in correct.values())
    assert bugs and correct


@pytest.mark.parametrize("assignment, name", entries(CORRECT))
def test_each_correct_alternative_gets_full_marks_and_passes_every_check(graded, assignment, name):
    out, rows = graded[assignment.name]
    assert scores(assignment, rows[name]) == full_marks(assignment)
    assert float(rows[name]["total"]) == 100 and rows[name]["status"] == "ok"
    feedback = (out / name / "feedback.txt").read_text()
    assert "FAILED" not in feedback and "Hint:" not in feedback  # the checks worth 0 points too


CHECK_HEADING = re.compile(r"(?m)^ *(?:\[hidden\] )?(\w+) \(\d+ pts?\): (passed|FAILED|not checked:|not run:)$")


def checks_of(output):
    """{check name: its heading and what follows it, up to the next heading} of a report's text."""
    headings = list(CHECK_HEADING.finditer(output))
    return {heading.group(1): output[heading.start():following.start() if following else len(output)].split("\n\n")[0]
            for heading, following in zip(headings, headings[1:] + [None])}


def first_failed_check(output):
    """The message of the first failed check in a question's output ("name (N pts): FAILED" and what follows)."""
    return next((text for text in checks_of(output).values() if not text.split("\n")[0].endswith(": passed")), None)


def first_failure_seen(tests, question, check=None):
    """The first failed check of a question as the student meets it: public checks first, then the hidden ones
    (or the check named ``check``)."""
    outputs = {t["name"]: t["output"] for t in tests}
    if check:
        return {**checks_of(outputs[f"{question} (public checks)"]), **checks_of(outputs[question])}.get(check)
    return first_failed_check(outputs[f"{question} (public checks)"]) or first_failed_check(outputs[question])


@pytest.mark.parametrize("assignment, bug", entries(LIBRARY))
def test_each_bug_is_named_by_the_first_failed_check_of_each_question_it_breaks(graded, assignment, bug):
    out, _ = graded[assignment.name]
    entry = LIBRARY[assignment.name][bug]
    tests = results(out, bug)["tests"]
    for question in entry["scores"]:
        message = first_failure_seen(tests, question, entry.get("shown_by"))
        assert message is not None, (bug, question)
        assert buglib.says(entry["hint"], message), (bug, question, message)


@pytest.mark.parametrize("assignment, bug", entries(LIBRARY))
def test_no_bug_gets_a_hint_naming_another_mistake(graded, assignment, bug):
    out, _ = graded[assignment.name]
    library = LIBRARY[assignment.name]
    text = " ".join(t["output"] for t in results(out, bug)["tests"]) + (out / bug / "feedback.txt").read_text()
    same = set(library[bug].get("same_as", []))
    named = [other for other in sorted(library) if other != bug and other not in same
             and buglib.says(library[other]["hint"], text)]
    assert not named, f"the feedback of {bug} names the mistake of {named}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_bug_that_is_a_known_mistake_names_it_instead_of_restating_its_change(assignment):
    import tomllib

    mistakes = assignment.grading_module("mistakes").MISTAKES
    changes = {(m.file, m.find, m.replace): name for name, m in mistakes.items()}
    written = tomllib.loads((assignment.library / f"{buglib.BUGS}.toml").read_text())
    restated = {bug: changes[(e["file"], e["find"], e["replace"])] for bug, e in written.items()
                if "find" in e and (e.get("file"), e["find"], e["replace"]) in changes}
    assert not restated, f"name the mistake (mistake = ...) instead of its change: {restated}"
    assert all(entry["mistake"] in mistakes for entry in written.values() if "mistake" in entry)


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_same_as_lists_bugs_of_the_library_both_ways(assignment):
    library = LIBRARY[assignment.name]
    for bug, entry in library.items():
        for other in entry.get("same_as", []):
            assert other in library and other != bug, (bug, other)
            assert bug in library[other].get("same_as", []), f"{other} should list {bug} in same_as too"


@pytest.mark.parametrize("assignment, bug", entries(LIBRARY, lambda entry: entry.get("not_hint")))
def test_no_bug_gets_a_hint_that_misleads(graded, assignment, bug):
    out, _ = graded[assignment.name]
    text = " ".join(t["output"] for t in results(out, bug)["tests"]) + (out / bug / "feedback.txt").read_text()
    for phrase in LIBRARY[assignment.name][bug]["not_hint"]:
        assert not buglib.says(phrase, text), (bug, phrase)


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_feedback_shows_the_checks_messages_not_their_code(graded, assignment):
    out, _ = graded[assignment.name]
    for name in ("stubs", *LIBRARY[assignment.name]):
        text = " ".join(t["output"] for t in results(out, name)["tests"]) + (out / name / "feedback.txt").read_text()
        for code in ("Error at line", "expect_case(", "expect_printed_lines(", "CheckFailed:"):
            assert code not in text, (name, code)


@pytest.mark.parametrize("name", ["reference", "clipping_clamps_like_pytorch", "clipping_without_eps"])
@pytest.mark.parametrize("assignment", [RNN], ids=[RNN.name])  # and so with the rest of RNN's tests (conftest)
def test_both_readings_of_a_nan_total_norm_get_the_point(graded, assignment, name):
    # The reference returns the gradients unchanged for a nan norm, PyTorch's clamped form all nan.
    out, _ = graded[assignment.name]
    clipping = next(t["output"] for t in results(out, name)["tests"] if t["name"] == "clipping")
    assert "nonfinite_norm_without_error (1 pt): passed" in clipping


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_results_json_is_gradescope_format_with_question_named_tests(graded, assignment):
    out, rows = graded[assignment.name]
    for name in ("reference", "stubs", "exported", "broken", sorted(LIBRARY[assignment.name])[0]):
        assert gradescope_format_problems((out / name / "results.json").read_text()) == [], name
        data = results(out, name)
        assert data["score"] == float(rows[name]["total"])
        graded_entries = [t for t in data["tests"] if not t["name"].startswith("Written answer: ")]
        assert all(t["name"].split(" ")[0] in assignment.question_names for t in graded_entries)
        scored = [t for t in data["tests"] if "max_score" in t]
        assert sorted(t["name"] for t in scored) == sorted(assignment.question_names)
        assert sum(t["score"] for t in scored) == data["score"]
        assert all(t["visibility"] in ("visible", "hidden", "after_published") for t in data["tests"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_every_report_follows_one_policy_for_hidden_checks(graded, assignment):
    """Public checks in full at once; hidden checks in an entry shown once grades are published, and in
    feedback.txt, the published view; each failure's details once in each report."""
    out, _ = graded[assignment.name]
    for name in ("stubs", *LIBRARY[assignment.name]):
        tests = {t["name"]: t for t in results(out, name)["tests"]}
        feedback = checks_of((out / name / "feedback.txt").read_text())
        for question in assignment.question_names:
            public, hidden = checks_of(tests[f"{question} (public checks)"]["output"]), checks_of(tests[question]["output"])
            assert tests[f"{question} (public checks)"]["visibility"] == "visible"
            assert tests[question]["visibility"] == "after_published"
            assert not set(public) & set(hidden) and not any(h in tests[f"{question} (public checks)"]["output"]
                                                             for h in hidden), (name, question)
            for check, text in {**public, **hidden}.items():
                assert " ".join(feedback[check].replace("[hidden] ", "").split()) == " ".join(text.split())
        for report in [(out / name / "feedback.txt").read_text()] + [t["output"] for t in tests.values()]:
            blocks = [text.split("\n", 1)[1].strip() for text in checks_of(report).values() if "\n" in text.strip()]
            long_blocks = [b for b in blocks if b.count("\n") >= 2]
            assert len(long_blocks) == len(set(long_blocks)), (name, report[:300])


def fits_a_reading_width(line):
    """At most about 100 characters, unless one unbreakable word (a long value shown whole) overflows."""
    return len(line) <= 110 or max(len(word) for word in line.split()) > 40


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_every_line_a_student_reads_is_wrapped_at_words(graded, assignment):
    out, _ = graded[assignment.name]
    for name in ("stubs", *LIBRARY[assignment.name]):
        texts = [(out / name / "feedback.txt").read_text()] + [t["output"] for t in results(out, name)["tests"]]
        long = [line for text in texts for line in text.splitlines() if not fits_a_reading_width(line)]
        assert not long, (name, long[:3])


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_notebooks_export_zip_grades_full_marks(graded, assignment):
    _, rows = graded[assignment.name]
    assert float(rows["exported"]["total"]) == 100 and rows["exported"]["status"] == "ok"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_one_zip_inside_the_upload_is_read_within_the_same_bounds(graded, assignment):
    _, rows = graded[assignment.name]
    assert float(rows["export_in_a_folder"]["total"]) == 100
    assert "graded files read from the zip upload.zip" in rows["export_in_a_folder"]["message"]
    assert rows["inner_zip_too_large"]["status"] == "error"
    assert "unpacks to more than 50 MB" in rows["inner_zip_too_large"]["message"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_each_written_question_gets_a_page_with_every_submissions_answer(graded, submissions, assignment):
    out, rows = graded[assignment.name]
    for question in assignment.written:
        page = (out / "written" / f"{question.name}.html").read_text()
        assert page.count("<section ") == len(rows)
        exported = results(out, "exported")["tests"]
        entry = next(t for t in exported if t["name"].startswith(f"Written answer: {question.name} "))
        assert "placeholder is still there" in entry["output"]  # the solved notebook's answers are left blank
        reference = next(t for t in results(out, "reference")["tests"] if question.name in t["name"])
        assert "no notebook in the submission" in reference["output"] or "placeholder" in reference["output"]
    feedback = (out / "exported" / "feedback.txt").read_text()
    assert "== written answers (graded by hand, outside the total)" in feedback


def otter_run_sample(assignment):
    """What `otter run` grades of an assignment (about 5 s each): full marks, none, the notebook's upload,
    and the first bug of its library (partial marks)."""
    return ["reference", "stubs", "exported", *sorted(LIBRARY[assignment.name])[:1]]


@pytest.mark.parametrize("assignment, name", [pytest.param(a, n, id=f"{a.name}/{n}")
                                              for a in ASSIGNMENTS for n in otter_run_sample(a)])
def test_otter_run_on_the_built_zip_gives_the_same_scores(graded, submissions, autograder_zips, tmp_path, assignment,
                                                          name):
    _, rows = graded[assignment.name]
    given = submissions[assignment.name][name]
    submission = tmp_path / "submission.zip"
    if zipfile.is_zipfile(given):
        submission = given  # as uploaded, the student's notebook inside
    else:
        with zipfile.ZipFile(submission, "w") as archive:
            for file in assignment.submitted_files:
                archive.write(given / file, file)
    subprocess.run(["otter", "run", "-a", str(autograder_zips[assignment.name]), str(submission), "-o", str(tmp_path),
                    "--no-logo"], check=True, capture_output=True)
    otter_scores = {t["name"]: t["score"] for t in json.loads((tmp_path / "results.json").read_text())["tests"]
                    if t["name"] in assignment.question_names}
    assert otter_scores == scores(assignment, rows[name])


@pytest.fixture(scope="session")
def wrong_everywhere(tmp_path_factory, autograder_zips, submissions):
    """Per assignment: bug -> the functions of the questions it breaks that it gets wrong on every stored
    case (public and hidden) that the reference passes, judged by tests/wrong_everywhere.py in the grader's folder."""
    def judge(assignment):
        root = tmp_path_factory.mktemp(f"everywhere-{assignment.name}")
        with zipfile.ZipFile(autograder_zips[assignment.name]) as archive:
            archive.extractall(root / "zip")
        shutil.copytree(root / "zip" / "files", root / "support")  # the support files, as Otter lays them out
        folders = []
        for name in ["reference", *sorted(LIBRARY[assignment.name])]:
            folder = shutil.copytree(root / "support", root / name)
            source = Path(submissions[assignment.name][name])
            for graded_file in assignment.submitted_files:
                found_file = next(source.rglob(graded_file), None)  # an entry may put its files in a folder
                if found_file is not None:
                    shutil.copyfile(found_file, folder / graded_file)
            folders.append(str(folder))
        functions = [f for q in assignment.questions for f, _ in q.functions]
        run = subprocess.run([sys.executable, str(Path(__file__).with_name("wrong_everywhere.py")), *folders,
                              "--functions", *functions], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        report = json.loads(run.stdout)
        return {Path(folder).name: [f for f, wrong in report[folder].items() if wrong] for folder in folders}

    return buglib.PerAssignment(judge)


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_a_function_wrong_on_every_case_loses_at_least_its_share(graded, wrong_everywhere, assignment):
    _, rows = graded[assignment.name]
    share = {f: (q.name, points) for q in assignment.questions for f, points in q.functions}
    assert wrong_everywhere[assignment.name]["reference"] == []
    too_cheap, judged = [], 0
    for bug, functions in wrong_everywhere[assignment.name].items():
        for function in functions:
            question, points = share[function]
            lost = POINTS[assignment.name][question] - float(rows[bug][question])
            judged += 1
            if lost < points:
                too_cheap.append(f"{bug}: {function} is wrong on every case but costs {lost:g} of {question}, "
                                 f"its share is {points}")
    assert not too_cheap, "\n".join(too_cheap)
    assert judged  # the library holds a bug that gets a whole function wrong, or this proves nothing


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=course.names())
def test_the_contract_publishes_each_functions_points(assignment):
    published = re.findall(r"^\| (\w+) \| `(\w+)` \| (\d+) \|$", assignment.contract.read_text(), re.M)
    assert published == [(q.name, f, str(p)) for q in assignment.questions for f, p in q.functions]


@pytest.mark.parametrize("assignment, bug", entries(LIBRARY))
def test_only_a_bug_that_modifies_its_inputs_is_told_so(graded, assignment, bug):
    """A bug with wrong outputs reads 'not checked' on the inputs-left-alone checks, never FAILED."""
    out, _ = graded[assignment.name]
    feedback = (out / bug / "feedback.txt").read_text()
    failed = re.findall(r"(\w+_does_not_modify_inputs) \(\d+ pts?\): FAILED", feedback)
    assert bool(failed) == bool(LIBRARY[assignment.name][bug].get("modifies_inputs")), (bug, failed)
