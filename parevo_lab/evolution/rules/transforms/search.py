"""The ``search`` strategy: a loop that can leave early (``return`` or ``break``), searched for
its first exit in rounds of parallel blocks, then that iteration run serially.

The iterations are numbered k = 0, 1, ... in the loop's own order (upwards ``range(lo, hi)``, or
downwards ``range(start, stop, -1)``). Rounds of ``FIRST_ROUND`` iterations, doubling up to
``LARGEST_ROUND``, go one after the other, so an exit near the start costs little and a long
search takes few parallel regions. In a round every block of ``BLOCK`` iterations first counts
its exits with the loop's body, each exit replaced by a count (a loop without an early exit,
which LLVM vectorises where the body allows), and only a block that has one scans again for its
first. The earliest block's hit ends the rounds; the original loop then runs from that iteration
(it takes the exit there, exactly as the sequential loop does) or, without a hit, runs no
iteration and leaves by its end. The analysis offers the strategy only for bodies whose
iterations store into no array and update no carried value before they exit, so running a body
past its exit changes nothing.
"""

from __future__ import annotations

import ast
import copy

from ..analysis import _constant
from .codegen import _bounds, _src, _stmts
from .tidy import not_negative

BLOCK = 1 << 14  # iterations a block counts, then scans when it has an exit
FIRST_ROUND = 1 << 17  # the first round's iterations; each next round doubles, up to
LARGEST_ROUND = 1 << 23


def _t_search(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    var = loop.target.id
    args = loop.iter.args
    k, total, first = f"_t{tag}", f"_n{tag}", f"_first{tag}"
    if facts.step == 1:
        lo, hi = _bounds(loop)
        out = _stmts(f"_lo{tag} = {lo}\n_hi{tag} = {hi}")
        if lo == "0" and not_negative(args[-1]):  # range(len(x)), range(x.shape[0]), ...
            out += _stmts(f"{total} = _hi{tag}")
        else:
            out += _stmts(f"{total} = max(0, _hi{tag} - _lo{tag})")
        index = f"_lo{tag} + {k}"
        tail = f"for {var} in range(_lo{tag} + {first}, _hi{tag}):\n    pass"
    else:  # range(start, stop, -1): iterations start, start - 1, ..., stop + 1
        start, stop = _src(args[0]), _src(args[1])
        constant = _constant(args[1])
        if isinstance(constant, int):  # (usually -1: down to 0)
            bound = stop
            out = _stmts(f"_top{tag} = {start}")
            count = f"_top{tag} + {-constant}" if constant < 0 else f"_top{tag} - {constant}"
        else:
            bound = f"_stop{tag}"
            out = _stmts(f"_top{tag} = {start}\n_stop{tag} = {stop}")
            count = f"_top{tag} - _stop{tag}"
        out += _stmts(f"{total} = max(0, {count})")
        index = f"_top{tag} - {k}"
        tail = f"for {var} in range(_top{tag} - {first}, {bound}, -1):\n    pass"
    out += _stmts(
        f"{first} = {total}\n"
        f"_hits{tag} = np.empty({LARGEST_ROUND // BLOCK}, np.int64)\n"
        f"_rs{tag} = 0\n"
        f"_rl{tag} = {FIRST_ROUND}\n"
        f"while _rs{tag} < {total}:\n"
        f"    _re{tag} = min({total}, _rs{tag} + _rl{tag})\n"
        f"    _nb{tag} = (_re{tag} - _rs{tag} + {BLOCK - 1}) // {BLOCK}\n"
        f"    for _b{tag} in numba.prange(_nb{tag}):\n"
        f"        _s{tag} = _rs{tag} + _b{tag} * {BLOCK}\n"
        f"        _e{tag} = min(_s{tag} + {BLOCK}, _re{tag})\n"
        f"        _cnt{tag} = 0\n"
        f"        for {k} in range(_s{tag}, _e{tag}):\n"
        f"            {var} = {index}\n"
        f"        _hit{tag} = {total}\n"
        f"        if _cnt{tag} > 0:\n"
        f"            for {k} in range(_s{tag}, _e{tag}):\n"
        f"                {var} = {index}\n"
        f"        _hits{tag}[_b{tag}] = _hit{tag}\n"
        f"    for _b{tag} in range(_nb{tag}):\n"
        f"        if _hits{tag}[_b{tag}] < {total}:\n"
        f"            {first} = _hits{tag}[_b{tag}]\n"
        f"            break\n"
        f"    if {first} < {total}:\n"
        f"        break\n"
        f"    _rs{tag} = _re{tag}\n"
        f"    _rl{tag} = min(2 * _rl{tag}, {LARGEST_ROUND})"
    )
    blocks = out[-1].body[2]  # the prange over the round's blocks
    count, scan = blocks.body[3], blocks.body[5].body[0]
    count.body += _exits_to(copy.deepcopy(loop.body), f"_cnt{tag} += 1")
    scan.body += _exits_to(copy.deepcopy(loop.body), f"_hit{tag} = min(_hit{tag}, {k})")
    serial = _stmts(tail)[0]
    serial.body = copy.deepcopy(loop.body)
    serial.orelse = copy.deepcopy(loop.orelse)
    return out + [serial]


def _exits_to(body: list[ast.stmt], pick: str) -> list[ast.stmt]:
    """Replace every block that leaves the loop by ``pick``: what that block did before leaving
    runs again, serially, in the loop that takes the exit."""

    def leaves(stmt) -> bool:
        return isinstance(stmt, ast.Return | ast.Break)

    def walk(block):
        if any(leaves(s) for s in block):
            return _stmts(pick)
        for stmt in block:
            if isinstance(stmt, ast.If):
                stmt.body = walk(stmt.body)
                stmt.orelse = walk(stmt.orelse) if stmt.orelse else []
            elif isinstance(stmt, ast.With | ast.Try):
                stmt.body = walk(stmt.body)
        return block

    return walk(body)
