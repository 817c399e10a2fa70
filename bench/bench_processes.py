"""BPMN process runs per second through ``govhall.cases.processes``, state serialized between
steps.

Why: every case action moves the case's process one step; the case keeps only the workflow's
serialized state, so each step restores it from JSON, completes a user task, runs the engine
to the next wait and serializes it again (the state carries the process spec, ~8-11 KB). The
DESIGN.md figure "~2.5 ms per full run" is SpiffWorkflow without serialization; this bench
measures what the case module will pay.

One run is what a case does: ``workflow_start``, then for each step ``workflow_ready_tasks``
(which task, whose role) and ``workflow_complete`` of one ready task, each call restoring and
(for writes) serializing the state; ``workflow_is_completed`` at the end. Two processes:

* ``standard``: accept → review → decide → deliver (4 user tasks);
* ``joint`` with 3 departments: accept → 3 parallel department reviews (completed in reverse
  order) → decide → deliver (6 user tasks).

It also prints ``process_validate`` (the upload check: safe parse, allow-list, XML schema,
SpiffWorkflow's parser) per template. No database. The CPU time per run (``process_time``) is
printed next to the wall-clock figures: on a shared machine it moves less with the load.
SpiffWorkflow logs every task state change at INFO; the bench sets its ``spiff`` logger to
WARNING, as production settings should. ``BENCH_PROCESS_RUNS`` (default 300) runs per process.
Run from the repository root:

    .venv/bin/python bench/bench_processes.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from common import load_label, machine_label, percentile, setup_django

WARMUP = 20
DEPARTMENTS = ["520121-SCJ", "520121-XF", "520121-HB"]


def run_once(xml: str, data: dict[str, object]) -> int:
    """One run, start to end; returns the final state's size in bytes."""
    from govhall.cases.processes import (
        workflow_complete,
        workflow_is_completed,
        workflow_ready_tasks,
        workflow_start,
    )

    state = workflow_start(xml, data=data)
    while ready := workflow_ready_tasks(state):
        task = ready[-1]  # the last ready instance first: joint reviews in reverse order
        state = workflow_complete(state, task_id=task.id, data={"opinion": "同意"})
    assert workflow_is_completed(state)
    return len(state.serialized.encode())


def timed(run: Callable[[], object], count: int) -> list[float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    setup_django()
    logging.getLogger("spiff").setLevel(logging.WARNING)
    from govhall.cases.processes import TEMPLATES, process_validate, template_xml

    print(f"bench_processes (SpiffWorkflow, no database); {machine_label()}")
    runs = int(os.environ.get("BENCH_PROCESS_RUNS", "300"))
    for key, data, steps in (
        ("standard", {}, "4 user tasks"),
        ("joint", {"departments": DEPARTMENTS}, "accept, 3 department reviews, decide, deliver"),
    ):
        xml = template_xml(key)
        size = run_once(xml, data)
        for _ in range(WARMUP):
            run_once(xml, data)
        began, cpu_began = time.perf_counter(), time.process_time()
        timings = timed(lambda xml=xml, data=data: run_once(xml, data), runs)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        print(
            f"{key} ({steps}): {runs / elapsed:.1f} runs/s; per run p50 "
            f"{percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
            f"CPU {cpu / runs * 1000:.1f} ms; final state {size:,} bytes"
        )
    for key in TEMPLATES:
        xml = template_xml(key)
        timings = timed(lambda xml=xml: process_validate(xml), 50)
        print(f"process_validate({key}): p50 {percentile(timings, 50):.1f} ms")
    print(f"after the run: {load_label()}")


if __name__ == "__main__":
    main()
