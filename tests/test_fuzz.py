"""Seeded fuzzing of the fixture site's content, data and config files.

A few hundred mutants (lines deleted, duplicated or swapped, bytes inserted or
replaced, files truncated), each checked or built in-process: no exception may
escape (an editor would see a traceback), a failed build must leave the previous
site byte for byte, and nothing may hang. Seeded, so a failure names a mutant
that can be replayed; bounded in time, so CI stays fast.
"""
from __future__ import annotations

import random
import signal
import time

import pytest

from conftest import tree_bytes
from yearbook.cli import main

SEED = 20261207
MUTANTS = 500
BUDGET_SECONDS = 90        # stop early on a slow machine; at least MIN_MUTANTS must have run
MIN_MUTANTS = 100
PER_MUTANT_SECONDS = 20    # a hang (like a YAML alias bomb) fails the test instead of blocking CI
BUILD_EVERY = 10           # every 10th mutant is built, the others checked

INSERTS = [b"\x00", b"\xff", b"\xc3", b"\t", b": ", b'"', b"'", b"&a ", b"*a", b"[", b"{", b"---\n", b"\n",
           b"# ", b"- ", "【".encode(), "：".encode(), b"{#", b"::: table t99\n", b"\r\n", b"\xef\xbb\xbf", b"\\"]


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = data.split(b"\n")
    op = rng.choice(["delete line", "duplicate line", "swap lines", "insert", "replace byte", "truncate"])
    at = rng.randrange(len(lines))
    if op == "delete line" and len(lines) > 1:
        del lines[at]
    elif op == "duplicate line":
        lines.insert(at, lines[at])
    elif op == "swap lines" and at + 1 < len(lines):
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif op in ("insert", "replace byte", "truncate") and data:
        pos = rng.randrange(len(data))
        if op == "insert":
            chunk = rng.choice(INSERTS) if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(3))
            return data[:pos] + chunk + data[pos:], f"{op} {chunk!r} at byte {pos}"
        if op == "replace byte":
            return data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1:], f"{op} at {pos}"
        return data[:pos], f"{op} at {pos}"
    return b"\n".join(lines), f"{op} at line {at + 1}"


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung


def test_mutated_inputs_never_crash_hang_or_damage_the_site(site, capsys, monkeypatch):
    monkeypatch.chdir(site)
    targets = sorted(p for p in (site / "content").rglob("*") if p.is_file() and p.suffix in (".md", ".yaml", ".tsv"))
    targets += [site / "config.yaml", site / "templates/i18n/zh.yaml", site / "templates/i18n/en.yaml"]
    assert main(["build", "--no-search", "--quiet"]) == 0
    before = tree_bytes(site / "public")
    rng = random.Random(SEED)
    previous = signal.signal(signal.SIGALRM, _alarm)
    start, done, outcomes = time.monotonic(), 0, {0: 0, 1: 0}
    try:
        for number in range(MUTANTS):
            if done >= MIN_MUTANTS and time.monotonic() - start > BUDGET_SECONDS:
                break
            target = rng.choice(targets)
            original = target.read_bytes()
            mutant, how = mutate(rng, original)
            command = "build" if number % BUILD_EVERY == 0 else "check"
            what = f"mutant {number} (seed {SEED}): {target.relative_to(site)}: {how}; {command}"
            target.write_bytes(mutant)
            signal.alarm(PER_MUTANT_SECONDS)
            try:
                code = main([command, "--no-search", "--quiet"] if command == "build" else [command, "--quiet"])
            except Hung:
                pytest.fail(f"{what}: no answer after {PER_MUTANT_SECONDS}s")
            except BaseException as exc:   # noqa: BLE001 - any escape is a traceback for the editor
                pytest.fail(f"{what}: {type(exc).__name__}: {exc}")
            finally:
                signal.alarm(0)
                target.write_bytes(original)
            err = capsys.readouterr().err
            assert "Traceback" not in err, f"{what}\n{err}"
            outcomes[code] = outcomes.get(code, 0) + 1
            if command == "build" and code == 1:
                assert tree_bytes(site / "public") == before, f"{what}: a failed build changed the site"
            elif command == "build":   # the mutant was valid: build the original again, byte for byte as before
                assert main(["build", "--no-search", "--quiet"]) == 0
                assert tree_bytes(site / "public") == before, f"{what}: rebuilding the original differs"
            done += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    print(f"{done} mutants in {time.monotonic() - start:.1f}s: {outcomes.get(0, 0)} valid, {outcomes.get(1, 0)} refused")
    assert done >= MIN_MUTANTS
    assert outcomes.get(1, 0) >= done // 4   # the mutations do break things: the test is not vacuous
