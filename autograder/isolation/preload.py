"""Which of a submission's modules its init may import once for all of its calls, and importing them.

A worker forked from an init that has imported the submission's modules
skips the import (about 0.8 ms of a 4 ms call). But the init serves every
call of the submission: if it ran any student code, that code could carry
what one call saw into the next (a pipe opened before each fork, a patched
fork loop). So the init imports a module only when importing it runs no
student code: its top level is made of plain definitions, checked on its
syntax tree (``runs_no_code``):

- docstrings, ``if __name__ == "__main__":`` blocks (not run on import);
- ``import`` and ``from ... import`` of modules already loaded by the
  zygote (numpy, the standard library it preloads) or preloaded here;
- functions without decorators, or with ``functools.lru_cache``/``cache``;
- names bound to literals, to arithmetic on numbers, to names and
  attributes (and tuples, lists, sets, dicts and subscripts of these), or
  to a few constructors of the zygote's own libraries called on literals
  (``np.array([[0.7, 0.2], ...])``, ``re.compile("...")``).

Any other module (a class, a loop, a call of the student's own code, a
module-level ``__getattr__``) and any module importing one is left to each
call to import, as before: slower, never wrong. The grader's own files in
the submission's folder (the provided helpers, the reference versions it
puts there) are trusted: they may run code, so only their imports are
checked, and they may import nothing of the student's (statically; the
course's own provided files import nothing else either).
"""
import ast
import importlib.util
import os
import signal
import sys

PRELOAD_SECONDS = 2  # the grader waits for the sandbox meanwhile; plain definitions take milliseconds
MAX_SOURCE_BYTES = 256 * 1024  # parsing is linear in the source; no graded module comes near
# Callables a module's top level may call, on literals only: each builds a value and calls nothing back.
CONSTRUCTORS = {"numpy.array", "numpy.asarray", "numpy.float64", "re.compile", "float", "int", "tuple",
                "frozenset"}
DECORATORS = {"functools.lru_cache", "functools.cache"}
_NUMBER_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)


class RunsCode(Exception):
    """The statement or expression in the message would run code on import."""


def _is_number(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _is_literal(node):
    """A constant, or a tuple, list or negated number of constants (bounded by the source's length)."""
    if isinstance(node, ast.Constant) or _is_number(node):
        return True
    return isinstance(node, (ast.Tuple, ast.List)) and all(_is_literal(e) for e in node.elts)


class _Checker:
    """Walks one module's top level; ``aliases`` maps the names its imports bind to the modules' real names."""

    def __init__(self, importable, own):
        self.importable, self.aliases, self.imports = importable, {}, []
        self.own = own  # names the module binds to its own objects: never a trusted constructor

    def _bind(self, name):
        if name.startswith("__") and name.endswith("__") and name != "__all__":
            raise RunsCode(f"binds {name}")  # a module-level __getattr__ would run on attribute lookups
        if name in self.aliases:
            raise RunsCode(f"binds {name} again")
        return name

    def _qualified(self, node):
        """'numpy.array' for ``np.array`` after ``import numpy as np``, or None."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id in self.own:  # `float = eval` then `float("...")`
            return None
        parts.append(self.aliases.get(node.id, node.id))
        return ".".join(reversed(parts))

    def expression(self, node):
        if _is_literal(node) or isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Attribute):
            return self.expression(node.value)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return [self.expression(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return [self.expression(e) for e in [*node.keys, *node.values] if e is not None]
        if isinstance(node, ast.Subscript):  # tuple[np.ndarray, dict] in annotations
            return [self.expression(node.value), self.expression(node.slice)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, _NUMBER_OPERATORS):
            if _is_number(node.left) and _is_number(node.right):
                return
        if isinstance(node, ast.Call) and self._qualified(node.func) in CONSTRUCTORS:
            if all(_is_literal(a) for a in node.args) and all(_is_literal(k.value) and k.arg for k in node.keywords):
                return
        raise RunsCode(ast.unparse(node)[:80])

    def _decorator(self, node):
        target = node.func if isinstance(node, ast.Call) else node
        arguments = [*node.args, *(k.value for k in node.keywords)] if isinstance(node, ast.Call) else []
        if self._qualified(target) not in DECORATORS or not all(_is_literal(a) for a in arguments):
            raise RunsCode(f"decorator {ast.unparse(node)[:80]}")

    def _function(self, node):
        for decorator in node.decorator_list:
            self._decorator(decorator)
        arguments = node.args
        for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
            self.expression(default)
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
        for annotation in [a.annotation for a in every if a is not None] + [node.returns]:
            if annotation is not None:
                self.expression(annotation)
        self._bind(node.name)

    def _import(self, module):
        """Only modules loaded already, or preloaded here: importing them runs nothing."""
        if module.split(".")[0] not in self.importable and module not in sys.modules:
            raise RunsCode(f"imports {module}")
        self.imports.append(module.split(".")[0])

    def statement(self, node):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return
        if (isinstance(node, ast.If) and not node.orelse  # an else branch would run on import
                and ast.unparse(node.test) in ("__name__ == '__main__'", "'__main__' == __name__")):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._import(alias.name)
                top = alias.name.split(".")[0]
                self.aliases[self._bind(alias.asname or top)] = alias.name if alias.asname else top
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            self._import(node.module)
            for alias in node.names:
                if alias.name == "*":
                    raise RunsCode("import *")
                self.aliases[self._bind(alias.asname or alias.name)] = f"{node.module}.{alias.name}"
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(node)
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            self.expression(node.value)
            return [self._bind(t.id) for t in node.targets]
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.simple:
            self.expression(node.annotation)
            if node.value is not None:
                self.expression(node.value)
            return self._bind(node.target.id)
        raise RunsCode(f"line {node.lineno}: {type(node).__name__}")


def runs_no_code(tree, importable, trusted=False):
    """The submission modules that module ``tree`` imports, if importing it runs no student code; else RunsCode.
    ``importable``: the names of the submission's modules that may be preloaded. A ``trusted`` module
    (the grader's own file) may run code, but imports only what the others may."""
    own = {target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
           for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
           if isinstance(target, ast.Name)}
    own |= {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    checker = _Checker(importable, own)
    for node in tree.body:
        if not trusted:
            checker.statement(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                checker._import(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                raise RunsCode("a relative import")
            checker._import(node.module)
    return sorted(set(checker.imports) & set(importable))


class _OutOfTime(BaseException):
    """Not an Exception: no handler for a module's failure may take it for one and go on."""


def _out_of_time(signum, frame):
    raise _OutOfTime()


def preload_within(seconds, folder, candidates, trusted=()):
    """``preload``, given up after ``seconds`` (none of ``candidates`` preloaded then): the grader waits for it."""
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return preload(folder, candidates, trusted)
    except _OutOfTime:
        for name in candidates:
            sys.modules.pop(name, None)
        return [], {name: f"not checked within {seconds:g} s" for name in candidates}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def preload(folder, candidates, trusted=()):
    """Import those of ``candidates`` and ``trusted`` (module names, files in ``folder``; ``trusted``:
    the grader's own) that run no student code on import, each after the ones it imports, as the
    import system would (same ``__file__``, same code file names). Returns (preloaded names, {name:
    why it was left to the calls})."""
    trees, left = {}, {}
    for name in dict.fromkeys([*candidates, *trusted]):
        path = os.path.join(folder, name + ".py")
        try:
            if os.path.getsize(path) > MAX_SOURCE_BYTES:
                raise RunsCode("too large to check")
            with open(path, "rb") as f:
                trees[name] = (path, ast.parse(f.read(), path))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError, RunsCode) as error:
            left[name] = f"{type(error).__name__}: {error}"
    needs = {}
    for name, (_, tree) in trees.items():
        try:
            # The grader's own files run code on import: they may import nothing of the student's.
            importable = set(trees) & set(trusted) if name in trusted else set(trees)
            needs[name] = runs_no_code(tree, importable, trusted=name in trusted)
        except (RunsCode, RecursionError) as error:
            left[name] = str(error)
    done = []
    while True:  # each round imports the modules whose own imports are done; a cycle stays undone
        ready = [n for n in sorted(needs) if n not in done and n not in left and all(m in done for m in needs[n])]
        if not ready:
            break
        for name in ready:
            path, tree = trees[name]
            try:
                _execute(name, path, tree)
                done.append(name)
            except Exception as error:  # noqa: BLE001 - e.g. a name the module does not have: the calls report it
                left[name] = f"{type(error).__name__} while importing"
    for name in needs:
        if name not in done and name not in left:
            left[name] = "imports a module left to the calls"
    return done, left


def _execute(name, path, tree):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    code = compile(tree, path, "exec", dont_inherit=True)
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)  # noqa: S102 - plain definitions only: see runs_no_code
    except BaseException:
        del sys.modules[name]
        raise
