#!/usr/bin/env python3
"""fleet demo / watch / tasks: an issue on the local forge becomes a merged pull request, followed live.

`demo` is called by `deploy/local/fleet demo` once the fleet is up (`demo --pair`: the issue is
labelled `agent:pair` and goes through a driver/navigator pair session; `demo --refactor`: no issue
is opened by hand, a refactoring run finds the sample's hotspot, opens the issue and its task, and
that task is followed); `watch <task>` follows any
task the same way (`fleet watch`); `tasks` lists them (`fleet tasks`). Puts the sample repository in
deploy/local/demo/repository on the local forge under a fresh name, opens an issue labelled
`agent`, follows the task (stage, iteration, elapsed time, tokens against the budget, each agent's
step as it ends) and prints the pull request, QA's figures, the review and the merge. Exit code 0
only when the pull request is merged. Standard library only.
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

API = os.environ["FLEET_DEMO_API"]
TOKEN = os.environ["FLEET_DEMO_TOKEN"]
ROOT = os.environ["FLEET_ROOT"]
HOME = os.environ["FLEET_HOME"]
TIMEOUT = int(os.environ.get("FLEET_DEMO_TIMEOUT", "600"))
TITLE = "Add multiply to calc"
BODY = ("calc.py can add but not multiply. Add multiply(a, b), which returns the product of a and b, "
        "with a test.")
# The pair demo's issue: the recordings (deploy/local/demo/recordings/pair-*) have the driver miss
# the zero divisor in its first proposal and the navigator send it back, so the session takes two
# iterations.
PAIR_TITLE = "Add divide to calc"
PAIR_BODY = ("calc.py cannot divide. Add divide(a, b), which returns a divided by b, with tests. "
             "Dividing by zero must raise a ValueError that says so.")
TTY = sys.stdout.isatty()
ENDS = {"MERGED", "FAILED", "CANCELLED", "NEEDS_HUMAN", "BLOCKED_BUDGET"}
if os.environ.get("FLEET_AUTO_MERGE", "true") == "false":
    ENDS.add("PR_OPEN")  # a person merges: the demo ends at the open pull request


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(API + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + TOKEN)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for attempt in range(10):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            # The proxy answers 502-504 while a replica it chose is going away: ask again.
            if method == "GET" and e.code in (502, 503, 504) and attempt < 9:
                time.sleep(2)
                continue
            sys.exit(f"demo: {method} {path} answered {e.code}: {e.read().decode(errors='replace')[:500]}")
        except (urllib.error.URLError, OSError) as e:
            if method != "GET" or attempt == 9:
                sys.exit(f"demo: cannot reach the orchestrator at {API}: {e}")
            time.sleep(2)  # a restarting orchestrator: ask again


def say(text):
    if TTY:
        sys.stdout.write("\r\033[K")
    print(text, flush=True)


def source_repository(stamp, sample="repository"):
    """The sample as a git repository with one commit, for the local forge to import."""
    source = os.path.join(HOME, "demo", "source-" + stamp)
    os.makedirs(os.path.dirname(source), exist_ok=True)
    subprocess.run(["cp", "-r", os.path.join(ROOT, "deploy/local/demo", sample), source], check=True)
    git = ["git", "-C", source, "-c", "user.name=fleet demo", "-c", "user.email=demo@localhost",
           "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "A tiny calculator"], check=True)
    return source


def follow(task_id, repository):
    started = time.time()
    seen_results = 0
    last = None
    while time.time() - started < TIMEOUT:
        view = call("GET", f"/api/tasks/{task_id}")
        task = view["task"]
        usage = view.get("usage", {}).get("gateway", {})
        tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
        budget = view.get("budget") or {}
        limit = budget.get("limit") if isinstance(budget, dict) else None
        results = call("GET", f"/api/tasks/{task_id}/results")
        for result in results[seen_results:]:
            say(f"[{time.time() - started:6.1f}s] {step_line(result)}")
        seen_results = len(results)
        line = (f"[{time.time() - started:6.1f}s] {task['state']:<17} iteration {task['iteration']}/"
                f"{task['maxIters']}  tokens {tokens}" + (f" of {limit}" if limit else ""))
        if task["state"] != last:
            say(line)
            last = task["state"]
        elif TTY:
            sys.stdout.write("\r\033[K" + line)
            sys.stdout.flush()
        if task["state"] in ENDS:
            return task, results, tokens
        time.sleep(1)
    say(f"demo: the task did not end within {TIMEOUT}s (FLEET_DEMO_TIMEOUT); it goes on: "
        f"deploy/local/fleet status, logs in {HOME}/logs")
    sys.exit(1)


def step_line(result):
    out = result.get("output") or {}
    step = result["step"]
    if result["outcome"] != "COMPLETED":
        return f"{step}: {result['outcome']} ({result.get('reason')})"
    if step == "dev.implement":
        red = out.get("red", {}).get("failedTests", [])
        applied = [s for s in out.get("suggestions", []) if s.get("applied")]
        refused = [s for s in out.get("suggestions", []) if not s.get("applied")]
        suggested = (f"; navigator's suggestions: {len(applied)} applied, {len(refused)} refused"
                     if out.get("suggestions") else "")
        pinned = out.get("red", {}).get("passed")  # a refactoring's red pins behaviour: its run passes
        return (f"developer: {out.get('status')} after {out.get('turns')} turns; red: "
                + ("pinned (new tests pass on today's code)" if pinned else f"{', '.join(red[:3]) or 'none'}")
                + f"; green: {'passed' if out.get('green', {}).get('passed') else '-'}"
                + suggested)
    if step == "qa.verify":
        pins = f"pinning (pass before and after) {out.get('alreadyPassing')}, " if out.get("alreadyPassing") else ""
        return (f"QA: {out.get('verdict')}, FAIL_TO_PASS {out.get('failToPass', 0)}, " + pins + "changed lines covered "
                f"{out.get('changedLinesCoverage', '?')}%, findings {out.get('findings', 0)}")
    if step == "review.diff":
        return f"review: {out.get('decision')}, {len(out.get('blocking', []))} blocking, {len(out.get('findings', []))} open finding(s)"
    if step in ("pair.start", "pair.turn"):
        return (f"pair coordinator (fencing token {out.get('fence')}): {out.get('action')} iteration "
                f"{out.get('iteration')} ({out.get('reason')})")
    return f"{step}: {out}"


def summary(task, results, tokens, repository):
    print()
    if task["state"] == "PR_OPEN" and "PR_OPEN" in ENDS:
        print(f"The pull request is open for a person to merge (FLEET_AUTO_MERGE=false).")
    elif task["state"] != "MERGED":
        print(f"The task ended {task['state']}. Its timeline: {API}/api/tasks/{task['id']}/timeline")
        for row in call("GET", f"/api/tasks/{task['id']}/timeline")[-5:]:
            print(f"  {row.get('what')}: {row.get('detail')}")
        return 1
    pulls = call("GET", f"/api/forge/local/repositories/{repository}/pulls")
    mine = [p for p in pulls if task["id"] in p.get("headBranch", "")] or pulls
    pr = call("GET", f"/api/forge/local/repositories/{repository}/pulls/{mine[-1]['number']}")
    added = sum(1 for l in pr["diff"].splitlines() if l.startswith("+") and not l.startswith("+++"))
    removed = sum(1 for l in pr["diff"].splitlines() if l.startswith("-") and not l.startswith("---"))
    files = [l.split(" b/", 1)[1] for l in pr["diff"].splitlines() if l.startswith("diff --git")]
    print(f"Pull request #{pr['number']}: {pr['title']}  ({pr['state']}, merge commit {(pr['mergeCommit'] or 'none')[:12]})")
    print(f"  {API}/api/forge/local/repositories/{repository}/pulls/{pr['number']}")
    print(f"  {len(files)} file(s) changed, {added} insertion(s), {removed} deletion(s): {', '.join(files)}")
    qa = last_output(results, "qa.verify")
    pins = (f"new tests that pass before and after (a refactoring's pins): {qa.get('alreadyPassing')}; "
            if qa.get("alreadyPassing") else "")
    print(f"QA: {qa.get('verdict')}; tests that failed before and pass after: {qa.get('failToPass', 0)}; " + pins +
          f"changed lines covered: {qa.get('changedLinesCoverage', '?')}%; findings: {qa.get('findings', 0)}")
    review = last_output(results, "review.diff")
    print(f"Review: {review.get('decision')}: {review.get('summary', '')}")
    for f in review.get("findings", []):
        print(f"  suggestion {f.get('file')}:{f.get('line')}: {f.get('explanation')}")
    if task.get("mode") == "PAIR":
        branches = sorted({r["iteration"] for r in results
                           if r["step"] == "dev.implement" and (r.get("output") or {}).get("patch")})
        print(f"Pair session: {len(branches)} proposal(s) on "
              + ", ".join(f"pair/{task['id']}/iter{n}" for n in branches)
              + f"; the pull request is iteration {task['iteration']}'s")
    if task["state"] != "MERGED":
        return 0
    print(f"Merged after {task['iteration']} iteration(s), {tokens} model tokens. Clone it: "
          f"git clone {HOME}/forge/{repository}.git")
    return 0


def last_output(results, step):
    outputs = [r.get("output") or {} for r in results if r["step"] == step and r["outcome"] == "COMPLETED"]
    return outputs[-1] if outputs else {}


def tasks():
    page = call("GET", "/api/tasks?size=50")
    print(f"{'TASK':<38} {'STATE':<17} {'ITER':<6} {'REPOSITORY':<30} TITLE")
    for t in page.get("items", []):
        print(f"{t['id']:<38} {t['state']:<17} {str(t['iteration']) + '/' + str(t.get('maxIters', t.get('max_iters'))):<6} "
              f"{t['repository']:<30} {(t.get('title') or '')[:60]}")
    print(f"{page.get('total', 0)} task(s)")
    return 0


def watch(task_id):
    task = call("GET", f"/api/tasks/{task_id}")["task"]
    print(f"Task {task_id}: {task['repository']} '{task['title']}'")
    task, results, tokens = follow(task_id, task["repository"])
    return summary(task, results, tokens, task["repository"])


def refactoring(stamp):
    """The weekly refactoring run, started by hand on the shipping sample: its scan, its plan, and
    the task of the issue it opens, followed to the merge."""
    repository = "demo/shipping-" + stamp
    source = source_repository(stamp, "refactor-repository")
    call("POST", "/api/forge/local/repositories", {"repository": repository, "importFrom": source})
    print(f"Repository {repository} on the local forge ({HOME}/forge/{repository}.git)")
    run = call("POST", "/api/refactor/runs", {"repositories": [repository]})
    print(f"Refactoring run {run['id']} started (POST /api/refactor/runs; the schedule does the same weekly)")
    started = time.time()
    while time.time() - started < TIMEOUT:
        scan = call("GET", f"/api/refactor/runs/{run['id']}")["scans"][0]
        if scan["state"] == "FAILED":
            sys.exit(f"demo: the scan failed: {scan.get('reason')}")
        if scan["state"] == "DONE" and scan.get("items") and scan["items"][0].get("task"):
            break
        if scan["state"] == "DONE" and not any(p.get("decision") == "open" for p in scan.get("plan") or []):
            sys.exit(f"demo: the scan found nothing to open: {scan.get('plan')}")
        time.sleep(1)
    else:
        sys.exit(f"demo: the refactoring run did not open its issue within {TIMEOUT}s")
    measures = scan.get("measures") or {}
    print(f"Scan ({scan['source']}): debt {measures.get('debtMinutes', '?')} min, complexity "
          f"{measures.get('complexity', '?')}, {len(scan.get('plan') or [])} hotspot group(s):")
    for entry in scan.get("plan") or []:
        print(f"  {entry['decision']:<4} {entry['title']} ({entry.get('debtMinutes')} min)"
              + (f": {entry['why']}" if entry.get("why") else ""))
    item = scan["items"][0]
    print(f"Issue #{item['issue']} '{item['title']}' labelled agent, refactor: task {item['task']}")
    task, results, tokens = follow(item["task"], repository)
    return summary(task, results, tokens, repository)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "tasks":
        return tasks()
    if len(sys.argv) > 2 and sys.argv[1] == "watch":
        return watch(sys.argv[2])
    stamp = time.strftime("%Y%m%d-%H%M%S") + "-" + os.urandom(2).hex()
    if "--refactor" in sys.argv[1:]:
        return refactoring(stamp)
    repository = "demo/calc-" + stamp
    source = source_repository(stamp)
    call("POST", "/api/forge/local/repositories", {"repository": repository, "importFrom": source})
    print(f"Repository {repository} on the local forge ({HOME}/forge/{repository}.git)")
    pair = "--pair" in sys.argv[1:]
    title, body, label = (PAIR_TITLE, PAIR_BODY, "agent:pair") if pair else (TITLE, BODY, "agent")
    opened = call("POST", f"/api/forge/local/repositories/{repository}/issues",
                  {"title": title, "body": body, "labels": [label]})
    if opened.get("outcome") != "TASK_CREATED":
        sys.exit(f"demo: the issue did not start a task: {opened}")
    print(f"Issue #{(opened.get('issue') or {}).get('number', '?')} '{title}' labelled {label}: task {opened['task']}")
    task, results, tokens = follow(opened["task"], repository)
    return summary(task, results, tokens, repository)


if __name__ == "__main__":
    sys.exit(main())
