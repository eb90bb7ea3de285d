"""Reads of memory never written, made visible: in the serial boundscheck build, every array the
kernel allocates with ``np.empty`` or ``np.empty_like`` is filled with a poison value first.

numba's ``np.empty`` returns whatever the allocator hands out, often zeros, so a kernel that reads
an element it never wrote (a prange chunk that skips its last element, a loop one past the
entries it filled) is right or wrong by chance. Filled with NaN (floats, complex), a large
negative integer (signed: an index out of bounds even after wraparound, a value far outside any
input) or half the maximum (unsigned), or True (bool), such a read becomes a wrong answer or an
out-of-bounds ``runtime_error`` with its line (``parevo audit`` found reference mutants that read
uninitialised memory and passed). Only the kernel's own body is rewritten, not the helpers it
calls; a kernel that cannot be rewritten (no source, a closure) runs unpoisoned.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

NAME = "_parevo_poison"
EMPTY = ("empty", "empty_like")


def poison(array):
    """Fill ``array`` (fresh from np.empty) with its dtype's poison value and return it."""
    array.fill(value_for(array.dtype))
    return array


def value_for(dtype):
    import numpy as np

    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "i":
        return np.iinfo(dtype).min // 2
    if dtype.kind == "u":
        return np.iinfo(dtype).max // 2
    if dtype.kind == "b":
        return True
    return 0


def _register() -> None:
    import numpy as np
    from numba import types
    from numba.extending import overload

    @overload(poison)
    def _poison(array):
        if not isinstance(array, types.Array):
            return None
        value = value_for(np.dtype(str(array.dtype)))

        def impl(array):
            array.fill(value)
            return array

        return impl


_registered = False


class _Wrap(ast.NodeTransformer):
    def __init__(self, numpy_names: set[str], empty_names: set[str]):
        self.numpy_names = numpy_names
        self.empty_names = empty_names
        self.count = 0

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        f = node.func
        allocates = (
            isinstance(f, ast.Attribute)
            and f.attr in EMPTY
            and isinstance(f.value, ast.Name)
            and f.value.id in self.numpy_names
        ) or (isinstance(f, ast.Name) and f.id in self.empty_names)
        if not allocates:
            return node
        self.count += 1
        return ast.copy_location(
            ast.Call(func=ast.Name(id=NAME, ctx=ast.Load()), args=[node], keywords=[]), node
        )


def poisoned(py_func):
    """A copy of ``py_func`` whose np.empty allocations are poisoned, and the number rewritten;
    ``(py_func, 0)`` when there is nothing to rewrite or it cannot be rewritten."""
    global _registered
    import numpy as np

    if py_func.__closure__:
        return py_func, 0
    try:
        source = textwrap.dedent(inspect.getsource(py_func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return py_func, 0
    function = tree.body[0]
    if not isinstance(function, ast.FunctionDef):
        return py_func, 0
    scope = py_func.__globals__
    numpy_names = {k for k, v in scope.items() if v is np}
    empty_names = {k for k, v in scope.items() if v is np.empty or v is np.empty_like}
    wrap = _Wrap(numpy_names, empty_names)
    function.decorator_list = []
    wrap.visit(function)
    if not wrap.count:
        return py_func, 0
    if not _registered:
        _register()
        _registered = True
    ast.increment_lineno(tree, py_func.__code__.co_firstlineno - 1)
    ast.fix_missing_locations(tree)
    namespace = dict(scope)
    namespace[NAME] = poison
    exec(compile(tree, py_func.__code__.co_filename, "exec"), namespace)  # noqa: S102
    return namespace[function.name], wrap.count
