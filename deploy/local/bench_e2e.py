#!/usr/bin/env python3
"""fleet bench e2e [--tasks N]: N issues opened at once on the running fleet, each followed to its end.

Called by `deploy/local/fleet bench e2e` once the fleet is up. Puts the demo's sample repository on
the local forge N times under fresh names, opens the demo issue on each at once, and follows every
task to its end. Then it checks that nothing was lost or done twice (every task merged, one pull
request each, one completed result per step) and prints what it cost: issue-to-merge latency,
time per stage, CPU and peak memory per service, and the raw ceiling of the same machine measured
in the same run (the sample's own tests run directly with pytest, the one piece of real work each
task must do several times). Exit code 0 only when every task merged exactly once.
Standard library only; the models answer from the demo's scripted recordings unless FLEET_MODEL_*
is set.
"""
import concurrent.futures
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo  # noqa: E402  (reads the same FLEET_DEMO_* settings)

TIMEOUT = int(os.environ.get("FLEET_BENCH_TIMEOUT", "1800"))
# The test runs a task needs at the least: the developer's red and green runs, QA's base and change runs.
RUNS_PER_TASK = 4
STAGES = [("DEVELOPING", "TESTING", "dev"), ("TESTING", "REVIEWING", "qa"),
          ("REVIEWING", "APPROVED", "review"), ("APPROVED", "MERGED", "pull request and merge")]


def parse_args(argv):
    tasks = 50
    i = 0
    while i < len(argv):
        if argv[i] == "--tasks" and i + 1 < len(argv):
            tasks = int(argv[i + 1])
            i += 2
        else:
            sys.exit(f"bench e2e: unknown argument {argv[i]!r} (usage: fleet bench e2e [--tasks N])")
    if not 1 <= tasks <= 500:
        sys.exit("bench e2e: --tasks must be between 1 and 500")
    return tasks


def open_task(index, stamp):
    name = f"{stamp}-{index:03d}"
    repository = "bench/calc-" + name
    source = demo.source_repository(name)
    demo.call("POST", "/api/forge/local/repositories", {"repository": repository, "importFrom": source})
    opened = demo.call("POST", f"/api/forge/local/repositories/{repository}/issues",
                       {"title": demo.TITLE, "body": demo.BODY, "labels": ["agent"]})
    if opened.get("outcome") != "TASK_CREATED":
        sys.exit(f"bench e2e: issue {index} did not start a task: {opened}")
    return {"repository": repository, "task": opened["task"], "opened": time.time()}


def processes():
    """The fleet's processes from their pid files: name -> pid."""
    run = os.path.join(demo.HOME, "run")
    found = {}
    for entry in sorted(os.listdir(run)) if os.path.isdir(run) else []:
        if entry.endswith(".pid"):
            try:
                with open(os.path.join(run, entry)) as f:
                    pid = int(f.read().strip())
                os.kill(pid, 0)
                found[entry[:-4]] = pid
            except (ValueError, OSError):
                pass
    return found


def cpu_seconds(pid):
    """(own, children) CPU seconds: the process's user + system, and that of the children it waited
    for (for the developer and QA: their sandboxed test runs)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick
    except OSError:
        return None


def memory_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (all processes: the fleet, its sandboxes, PostgreSQL):
    user + nice + system + irq + softirq; not idle, iowait, steal (another tenant's) or guest (in user)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
    return busy / os.sysconf("SC_CLK_TCK")


def raw_ceiling(runs=5):
    """The sample's tests run directly with pytest, as the fleet's agents run them in the sandbox."""
    walls, cpus = [], []
    for _ in range(runs):
        work = tempfile.mkdtemp(prefix="bench-e2e-raw-")
        try:
            shutil.copytree(os.path.join(demo.ROOT, "deploy/local/demo/repository"), work, dirs_exist_ok=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.time()
            ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=work,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
            if ran.returncode != 0:
                sys.exit("bench e2e: the raw ceiling's pytest run failed, so there is nothing to compare with:\n"
                         + ran.stdout.decode(errors="replace")[-2000:])
            walls.append(time.time() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    if cpu <= 0:
        sys.exit("bench e2e: the raw pytest run used no measurable CPU; the ceiling cannot be computed")
    return wall, cpu


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check(entry):
    """Nothing lost or done twice: merged, one pull request, one completed result per step."""
    problems = []
    if entry["state"] != "MERGED":
        problems.append(f"ended {entry['state']}")
    pulls = demo.call("GET", f"/api/forge/local/repositories/{entry['repository']}/pulls")
    if len(pulls) != 1 or pulls[0].get("state") != "MERGED":
        problems.append(f"{len(pulls)} pull requests ({[p.get('state') for p in pulls]})")
    steps = {}
    for result in demo.call("GET", f"/api/tasks/{entry['task']}/results"):
        if result.get("outcome") == "COMPLETED":
            key = f"{result.get('step')}#{result.get('iteration')}"
            steps[key] = steps.get(key, 0) + 1
    twice = {k: v for k, v in steps.items() if v > 1}
    if twice:
        problems.append(f"steps completed more than once: {twice}")
    return problems


def main():
    count = parse_args(sys.argv[1:])
    cores = os.cpu_count()
    print(f"bench e2e: {count} issues opened at once on {count} repositories, {cores} cores", flush=True)
    raw_wall, raw_cpu = raw_ceiling()
    print(f"  raw ceiling, same run: the sample's tests with pytest alone take {raw_wall:.2f} s wall, "
          f"{raw_cpu:.2f} s CPU (median of 5)", flush=True)

    procs = processes()
    cpu_before = {name: cpu_seconds(pid) for name, pid in procs.items()}
    busy_before = machine_busy_seconds()
    stamp = time.strftime("%Y%m%d-%H%M%S") + "-" + os.urandom(2).hex()
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 16)) as pool:
        entries = list(pool.map(lambda i: open_task(i, stamp), range(count)))
    print(f"  {count} issues opened in {time.time() - started:.1f} s", flush=True)

    pending = {e["task"]: e for e in entries}
    peak_rss = {}
    while pending and time.time() - started < TIMEOUT:
        for task_id, entry in list(pending.items()):
            task = demo.call("GET", f"/api/tasks/{task_id}")["task"]
            if task["state"] in demo.ENDS:
                stages = task.get("stageEnteredAt") or {}
                # When the orchestrator moved it, not when this poll noticed.
                ended = parse_instant(stages[task["state"]]) if task["state"] in stages else time.time()
                entry.update(state=task["state"], ended=ended, stages=stages, iterations=task["iteration"])
                del pending[task_id]
        for name, pid in procs.items():
            rss = memory_kib(pid, "VmRSS")
            if rss is not None:
                peak_rss[name] = max(peak_rss.get(name, 0), rss)
        done = count - len(pending)
        print(f"  [{time.time() - started:6.1f}s] {done}/{count} ended", flush=True)
        if pending:
            time.sleep(2)
    ended_times = [e["ended"] for e in entries if "ended" in e]
    total = (max(ended_times) if ended_times and not pending else time.time()) - started
    cpu_after = {name: cpu_seconds(pid) for name, pid in procs.items()}
    busy = machine_busy_seconds() - busy_before

    failures = [f"task {task_id} ({e['repository']}) did not end within {TIMEOUT}s"
                for task_id, e in pending.items()]
    ended = [e for e in entries if "ended" in e]
    for entry in ended:
        failures += [f"task {entry['task']} ({entry['repository']}): {p}" for p in check(entry)]
    merged = [e for e in ended if e["state"] == "MERGED"]

    print(f"  ended: {len(ended)} of {count}; merged: {len(merged)}; lost or doubled: {len(failures)}")
    if merged:
        latency = [e["ended"] - e["opened"] for e in merged]
        print(f"  issue to merge: p50 {percentile(latency, 50):.1f} s, p95 {percentile(latency, 95):.1f} s, "
              f"max {max(latency):.1f} s; all {count} in {total:.1f} s = {len(merged) / total * 60:.1f} "
              f"merged per minute")
        ceiling = cores * 60 / (raw_cpu * RUNS_PER_TASK)
        print(f"  throughput {len(merged) / total * 60:.1f} merged per minute = {len(merged) / total * 60 / ceiling:.2f} x "
              f"the machine's ceiling for the tests alone ({ceiling:.1f} per minute: {RUNS_PER_TASK} raw pytest runs per "
              f"task on {cores} cores)")
        print(f"  iterations per task: median {statistics.median(e['iterations'] for e in merged)}")
        for start, end, label in STAGES:
            spans = []
            for e in merged:
                a, b = e["stages"].get(start), e["stages"].get(end)
                if a and b:
                    spans.append(parse_instant(b) - parse_instant(a))
            if spans:
                print(f"  stage {label:<22} p50 {percentile(spans, 50):6.1f} s   p95 {percentile(spans, 95):6.1f} s")
        jvms = [n for n in procs if n.startswith("orchestrator-") or n.endswith("-agent") or n == "pair-coordinator"]
        measured = [n for n in jvms if cpu_before.get(n) is not None and cpu_after.get(n) is not None]
        own = sum(cpu_after[n][0] - cpu_before[n][0] for n in measured)
        children = sum(cpu_after[n][1] - cpu_before[n][1] for n in measured)
        rest = busy - own - children
        print(f"  CPU per merged task: whole machine {busy / len(merged):.2f} s = {busy / len(merged) / raw_cpu:.1f} x one raw "
              f"pytest run ({raw_cpu:.2f} s): the fleet's JVMs {own / len(merged):.2f} s, child processes reaped by "
              f"them {children / len(merged):.2f} s, the rest {rest / len(merged):.2f} s (the sandboxed test runs, which "
              f"the sandbox reaps itself, git, PostgreSQL, Redis, the object store)")
        for name in sorted(procs):
            if cpu_before.get(name) is None or cpu_after.get(name) is None:
                continue
            used = cpu_after[name][0] - cpu_before[name][0]
            kids = cpu_after[name][1] - cpu_before[name][1]
            hwm = memory_kib(procs[name], "VmHWM")
            print(f"    {name:<18} CPU {used:7.1f} s ({used / len(merged):5.2f} s per task), its children "
                  f"{kids:6.1f} s   RSS peak while running {peak_rss.get(name, 0) / 1024:6.0f} MiB   since start "
                  f"{(hwm or 0) / 1024:6.0f} MiB")
    for failure in failures[:20]:
        print("  FAILED: " + failure)
    return 0 if not failures and len(merged) == count else 1


def parse_instant(text):
    """ISO-8601 from the API (UTC, 'Z') to epoch seconds, without third-party parsers."""
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    sys.exit(main())
