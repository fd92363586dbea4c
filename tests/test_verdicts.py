"""A check's verdict, decided by the checks (verdicts.Verdict), heads its line in every report as it is."""
import json

import pytest

from autograder.grading import results
from autograder.support.verdicts import Verdict


def outcome_with(verdict, details):
    check = results.CheckResult("recurrence", "rnn_step_small", 3, False, verdict is Verdict.PASSED,
                                verdict.value, details)
    return results.Outcome("ada", scores={"recurrence": 3.0 if check.passed else 0.0}, cases=[check])


@pytest.mark.parametrize("verdict", list(Verdict), ids=lambda v: v.name)
def test_each_verdict_heads_its_checks_line_with_the_details_below(verdict):
    details = "" if verdict is Verdict.PASSED else "needs the right outputs of rnn_step first.\nrnn_step, output h"
    feedback = results.feedback_text(outcome_with(verdict, details), {"recurrence": 3})
    lines = feedback.split("\n")
    heading = lines.index(f"  rnn_step_small (3 pts): {verdict.value}")
    assert lines[heading + 1:heading + 1 + len(details and details.split("\n"))] == [
        "      " + line for line in details.split("\n") if details]
    page = json.loads(json.dumps(results.gradescope_results(outcome_with(verdict, details), {"recurrence": 3})))
    assert page["tests"][0]["output"].startswith(f"rnn_step_small (3 pts): {verdict.value}")
    assert page["tests"][0]["status"] == ("passed" if verdict is Verdict.PASSED else "failed")


def test_only_a_check_not_judged_or_not_run_says_so_before_its_message():
    assert [v.prefix for v in Verdict] == ["", "", "not checked: ", "not run: "]
