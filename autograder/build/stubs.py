"""Turn a reference solution into the student's stub.

Every block fenced by ``# BEGIN SOLUTION`` / ``# END SOLUTION`` inside a
function becomes one clearly marked block for the student: the ``# HINT:``
comments of the block, then ``raise NotImplementedError``. A fenced block at
module level (helpers of the reference, such as a cell shared by a step
function and a sequence function) is left out of the stub. Everything else
(docstrings with shapes, shape checks, the ``return`` after the block) is kept
as it is.
"""
import re

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
HINT = "# HINT:"
RULE = "#" * 72
_DEF = re.compile(r"^\s*def (\w+)\(")


def make_stub(source):
    """The student version of a solution file's text."""
    out, function, block = [], None, None
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if block is None:
            match = _DEF.match(line)
            if match:
                function = match.group(1)
            if stripped == BEGIN:
                block = (line[: len(line) - len(line.lstrip())], [])
            elif stripped == END:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            else:
                out.append(line)
        elif stripped == END:
            if block[0]:
                out.extend(_student_block(block[0], function, block[1]))
            block = None
        elif stripped == BEGIN:
            raise ValueError(f"line {number}: nested {BEGIN}")
        elif stripped.startswith(HINT):
            block[1].append(stripped[len(HINT):].strip())
    if block is not None:
        raise ValueError(f"{BEGIN} without {END}")
    # A left-out module-level block leaves the blank lines around it behind.
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(out)) + "\n"


def _student_block(indent, function, hints):
    lines = [RULE, f"# TODO: implement {function}.", *(f"# {hint}" for hint in hints), RULE,
             f'raise NotImplementedError("{function} is not implemented yet")',
             RULE, "#" + "END OF YOUR CODE".center(70) + "#", RULE]
    return [indent + line for line in lines]


def fenced_lines(source):
    """(inside a solution block?, stripped line) for every line of the file but the fences."""
    inside = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped in (BEGIN, END):
            inside = stripped == BEGIN
        else:
            yield inside, stripped


def solution_blocks(source):
    """The code lines inside the fences (hints excluded), stripped: what must never leak."""
    return [line for inside, line in fenced_lines(source) if inside and line and not line.startswith("#")]


def provided_lines(source):
    """The stripped lines outside the fences: the student's copy keeps them as they are."""
    return {line for inside, line in fenced_lines(source) if not inside}
