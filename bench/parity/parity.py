#!/usr/bin/env python3
"""The parity harness: trains the same recipes with imed and with its PyTorch twin (twin.py) on the same
exported images, for several seeds, and writes mean ± sd per task and method with the difference.

    /usr/bin/python3 bench/parity/parity.py --variant unpaired --tasks 2    # the teacher and the student too
    /usr/bin/python3 bench/parity/parity.py                                 # paired, the three tasks: parity.md

Paired runs (the default) start both sides from imed's first parameters (`--save-initial-parameters`), so a
difference of recipe is not lost in the seeds' spread: with its own draws, the twin's DANN on one seed of
uci1797→mnist5k ended 9 points above imed's, and from imed's draws 1 point above. Unpaired runs keep each
side's own draws (the same scheme); they check the initialisation scheme and train the teacher and student.
Both sides run single-threaded, `--jobs` runs at a time. Every run leaves its result in the work directory
(`--work`, default runs/parity) and is reused when the harness runs again, so a stopped run resumes.
Target labels are used only for the reported accuracy. Needs Debian's python3-torch (1.13) and
libopenblas0-openmp; stays out of CI (CI tests the gradient fixtures instead)."""
import argparse
import concurrent.futures
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TWIN = os.path.join(ROOT, "bench", "parity", "twin.py")
IMED = os.path.join(ROOT, "imed")
TASKS = [("syn", "mnist5k"), ("uci1797", "mnist5k"), ("mnist5k", "uci1797")]
METHODS = ["source-only", "source-only-shared-bn", "dann", "cdan", "mcc"]
# One change at a time, on both sides: (imed arguments, twin arguments).
VARIANTS = {
    # Each side draws its own first parameters (the same scheme, different draws); also trains the teachers.
    "unpaired": ([], []),
    "init-djl": (["--init", "djl"], ["--init", "djl"]),
    "wd-1e-3": (["--weight-decay", "1e-3"], ["--weight-decay", "1e-3"]),
    "dann-weight-1": (["--trade-off", "10"], ["--dann-weight", "1"]),
}
# Paired variants: the same change, both sides starting from imed's first parameters; the imed run is the
# unpaired variant's own (same seed, same draws), so only the twin trains again.
PAIRED = {"paired": "unpaired", "paired-dann-weight-1": "dann-weight-1", "perturbed": "unpaired"}
# The chaos floor (run with --side twin): the paired twin again, its first parameters moved by 1e-6 relative
# noise. How far that alone moves a run is how far apart two correct implementations can end.
PERTURBED = {"perturbed": 1e-6}
# The teacher and the student are trained in the unpaired design only: each side fuses its own members.
ENSEMBLE_VARIANT = "unpaired"
SINGLE_THREAD = "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -Dimed.quiet=true"


def slug(task):
    return task[0] + "-to-" + task[1]


def export_domains(data):
    """Exports every built-in domain the tasks use as a PNG folder, once; both sides read these folders."""
    for name in sorted({d for t in TASKS for d in t}):
        folder = os.path.join(data, name)
        if not os.path.isdir(folder):
            run([IMED, "data", "export", name, "--out", folder], os.path.join(data, name + ".export.log"))


def run(command, log, env=None):
    with open(log, "w") as out:
        code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    if code != 0:
        raise RuntimeError("%s failed (exit %d), log: %s" % (" ".join(command), code, log))


def imed_env():
    env = dict(os.environ)
    env["IMED_JAVA_OPTS"] = (env.get("IMED_JAVA_OPTS", "") + " " + SINGLE_THREAD).strip()
    return env


def twin_env():
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    return env


def wait_for(path, what, timeout=1800):
    """Waits for the imed run of the same cell (running in another job) to write `path`."""
    deadline = time.time() + timeout
    while not os.path.exists(path):
        if time.time() > deadline:
            raise RuntimeError("%s: %s did not appear in %d s" % (path, what, timeout))
        time.sleep(2)


def component_run(work, data, side, task, method, seed, iterations, variant):
    """Trains one component on one side; returns its result dict (cached in the work directory)."""
    directory = os.path.join(work, variant, side, slug(task), method, "seed%d" % seed)
    result_file = os.path.join(directory, "result.json")
    if os.path.exists(result_file):
        return json.load(open(result_file))
    os.makedirs(directory, exist_ok=True)
    source, target = (os.path.join(data, d) for d in task)
    imed_args, twin_args = VARIANTS[PAIRED.get(variant, variant)]
    if variant in PAIRED:
        shared = os.path.join(work, "paired" if variant in PERTURBED else variant, "imed", slug(task), method,
                              "seed%d" % seed, "initial-parameters.npz")
        if side == "imed":
            imed_args = imed_args + ["--save-initial-parameters", shared]
        else:
            wait_for(shared, "imed's first parameters")
            twin_args = twin_args + ["--initial-parameters", shared]
            if variant in PERTURBED:
                twin_args = twin_args + ["--perturb-initial", str(PERTURBED[variant])]
    started = time.time()
    reusable = os.path.join(work, PAIRED.get(variant, variant), "imed", slug(task), method, "seed%d" % seed, "result.json")
    if variant in PAIRED and side == "imed" and os.path.exists(reusable):
        # The unpaired variant's imed run is this very run (same seed, so the same first parameters): only
        # the parameters are written again, by a one-iteration run whose bundle is dropped.
        scratch = os.path.join(directory, "first-parameters-run")
        run([IMED, "train", "component", "--method", method, "--source", "folder:" + source, "--target",
             "folder:" + target, "--out", scratch, "--iterations", "1", "--seed", str(seed)] + imed_args,
            os.path.join(directory, "log.txt"), imed_env())
        shutil.rmtree(scratch)
        result = dict(json.load(open(reusable)), reusedFrom=reusable)
    elif side == "imed":
        bundle = os.path.join(directory, "bundle")
        run([IMED, "train", "component", "--method", method, "--source", "folder:" + source,
             "--target", "folder:" + target, "--out", bundle, "--iterations", str(iterations), "--seed", str(seed)]
            + imed_args, os.path.join(directory, "log.txt"), imed_env())
        manifest = json.load(open(os.path.join(bundle, "manifest.json")))
        result = {"side": "imed", "kind": "component", "method": method, "seed": seed, "iterations": iterations,
                  "targetAccuracy": manifest["metrics"]["target"]["accuracy"],
                  "lossCurve": manifest["training"]["loss"]["curve"], "bundle": bundle}
    else:
        model = os.path.join(directory, "model.pt")
        run(["/usr/bin/python3", TWIN, "component", "--method", method, "--source", source, "--target", target,
             "--iterations", str(iterations), "--seed", str(seed), "--save", model, "--json", result_file + ".tmp"]
            + twin_args, os.path.join(directory, "log.txt"), twin_env())
        result = json.load(open(result_file + ".tmp"))
        os.remove(result_file + ".tmp")
        result["model"] = model
    result["task"] = "%s→%s" % task
    result["variant"] = variant
    if "reusedFrom" not in result:
        result["seconds"] = round(time.time() - started, 1)
    with open(result_file + ".tmp", "w") as out:
        json.dump(result, out, indent=1)
    os.replace(result_file + ".tmp", result_file)
    return result


def ensemble_run(work, data, side, task, seed, members, teacher_iterations, student_iterations, component_results):
    """Teacher over the members, then the distilled student, on one side; cached like components."""
    directory = os.path.join(work, ENSEMBLE_VARIANT, side, slug(task), "teacher", "seed%d" % seed)
    result_file = os.path.join(directory, "result.json")
    if os.path.exists(result_file):
        return cached_ensemble(result_file)
    os.makedirs(directory, exist_ok=True)
    source, target = (os.path.join(data, d) for d in task)
    started = time.time()
    if side == "imed":
        teacher = os.path.join(directory, "teacher")
        student = os.path.join(directory, "student")
        if not os.path.exists(os.path.join(teacher, "manifest.json")):  # a teacher whose distillation failed is kept
            run([IMED, "train", "teacher", "--components"] + [component_results[m]["bundle"] for m in members]
                + ["--source", "folder:" + source, "--target", "folder:" + target, "--out", teacher,
                   "--iterations", str(teacher_iterations), "--seed", str(seed)],
                os.path.join(directory, "teacher.log"), imed_env())
        run([IMED, "distill", "--teacher", teacher, "--source", "folder:" + source, "--target", "folder:" + target,
             "--out", student, "--iterations", str(student_iterations), "--seed", str(seed)], os.path.join(directory, "student.log"), imed_env())
        tm = json.load(open(os.path.join(teacher, "manifest.json")))["metrics"]["target"]
        sm = json.load(open(os.path.join(student, "manifest.json")))["metrics"]["target"]
        result = {"teacherAccuracy": tm["accuracy"], "averageAccuracy": tm.get("averageAccuracy"),
                  "studentAccuracy": sm["accuracy"]}
    else:
        teacher = os.path.join(directory, "teacher.pt")
        if not os.path.exists(os.path.join(directory, "teacher.json")):
            run(["/usr/bin/python3", TWIN, "teacher", "--components"] + [component_results[m]["model"] for m in members]
                + ["--source", source, "--target", target, "--iterations", str(teacher_iterations), "--seed", str(seed),
                   "--save", teacher, "--json", os.path.join(directory, "teacher.json")],
                os.path.join(directory, "teacher.log"), twin_env())
        run(["/usr/bin/python3", TWIN, "distill", "--teacher", teacher, "--source", source, "--target", target,
             "--iterations", str(student_iterations), "--seed", str(seed), "--json", os.path.join(directory, "student.json")],
            os.path.join(directory, "student.log"), twin_env())
        tj = json.load(open(os.path.join(directory, "teacher.json")))
        sj = json.load(open(os.path.join(directory, "student.json")))
        result = {"teacherAccuracy": tj["targetAccuracy"], "averageAccuracy": tj.get("averagingAccuracy"),
                  "studentAccuracy": sj["targetAccuracy"]}
    result.update({"side": side, "task": "%s→%s" % task, "seed": seed, "members": members,
                   "seconds": round(time.time() - started, 1)})
    with open(result_file + ".tmp", "w") as out:
        json.dump(result, out, indent=1)
    os.replace(result_file + ".tmp", result_file)
    return result


def cached_ensemble(result_file):
    """A cached teacher/student result; the twin's averaging accuracy is read from its teacher JSON when missing."""
    result = json.load(open(result_file))
    twin_teacher = os.path.join(os.path.dirname(result_file), "teacher.json")
    if result.get("averageAccuracy") is None and os.path.exists(twin_teacher):
        result["averageAccuracy"] = json.load(open(twin_teacher)).get("averagingAccuracy")
    return result


def mean_sd(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def verdict(im, isd, tm, tsd):
    """The acceptance rule: |Δ| ≤ 3 points where both sds ≤ 5, otherwise ≤ 1 pooled sd."""
    diff = im - tm
    if isd <= 5 and tsd <= 5:
        return abs(diff) <= 3, "≤ 3"
    pooled = math.sqrt((isd ** 2 + tsd ** 2) / 2)
    return abs(diff) <= pooled, "≤ %.1f (pooled sd)" % pooled


def cell(key, imed_values, twin_values):
    im, isd = mean_sd(imed_values)
    tm, tsd = mean_sd(twin_values)
    row = {"key": key, "imed": imed_values, "twin": twin_values}
    if im is not None and tm is not None and len(imed_values) == len(twin_values):
        ok, rule = verdict(im, isd, tm, tsd)
        row.update({"imedMean": im, "imedSd": isd, "twinMean": tm, "twinSd": tsd, "difference": im - tm,
                    "rule": rule, "pass": ok})
    return row


def fmt(mean, sd):
    return "—" if mean is None else "%.1f ± %.1f" % (mean, sd)


def table(rows, first_header):
    # Seeds are paired (both sides start from the same parameters): how often imed ends above shows a lean that
    # the means alone would hide.
    lines = ["| %s | imed | twin (PyTorch) | Δ imed − twin | rule | holds | imed above, paired seeds |" % first_header,
             "|---" * (first_header.count("|") + 1) + "|---:|---:|---:|---|:---:|---:|"]
    for r in rows:
        if "difference" in r:
            above = sum(1 for a, b in zip(r["imed"], r["twin"]) if a > b)
            lines.append("| %s | %s | %s | %+.1f | %s | %s | %d of %d |" % (r["key"], fmt(r["imedMean"], r["imedSd"]),
                         fmt(r["twinMean"], r["twinSd"]), r["difference"], r["rule"], "yes" if r["pass"] else "**no**",
                         above, len(r["imed"])))
        else:
            lines.append("| %s | %s | %s | — | — | incomplete | — |" % (
                r["key"], fmt(*mean_sd(r["imed"])), fmt(*mean_sd(r["twin"]))))
    return lines


def curve_points(result, iterations, points=8, smooth=250):
    """The training loss at `points` evenly spaced iterations, each the mean over the `smooth` iterations before it."""
    if result.get("side") == "imed":
        # imed records the mean of each of ~20 equal windows of the run.
        means = result.get("lossCurve", [])
        window = iterations // max(1, len(means))
        curve = [((k + 1) * window, v) for k, v in enumerate(means)]
    else:
        curve = [(it, v) for it, v in result.get("lossCurve", [])]
    out = []
    for j in range(1, points + 1):
        at = iterations * j // points
        window = [v for it, v in curve if at - smooth < it <= at]
        out.append(statistics.mean(window) if window else None)
    return out


def mean_curve(runs):
    """Each point's mean over the runs (curve_points' output), formatted; "—" where no run has it."""
    means = []
    for j in range(len(runs[0])):
        vals = [r[j] for r in runs if r[j] is not None]
        means.append("%.3f" % statistics.mean(vals) if vals else "—")
    return means


def ensemble_curve(work, task, side, seed, model):
    """The teacher's or the student's training-loss curve on one side, in curve_points' input form."""
    directory = os.path.join(work, ENSEMBLE_VARIANT, side, slug(task), "teacher", "seed%d" % seed)
    if side == "imed":
        manifest = os.path.join(directory, model, "manifest.json")
        if not os.path.exists(manifest):
            return None
        return {"side": "imed", "lossCurve": json.load(open(manifest))["training"]["loss"]["curve"]}
    path = os.path.join(directory, model + ".json")
    return {"side": "twin", "lossCurve": json.load(open(path))["lossCurve"]} if os.path.exists(path) else None


def ensemble_curves_table(work, task, seeds, budgets):
    """The teacher's and the student's mean loss curves per side: the evidence for their budgets."""
    lines = ["| model | side | " + " | ".join("%d/8" % j for j in range(1, 9)) + " |", "|---|---|" + "---:|" * 8]
    for model, iterations in budgets:
        for side in ("imed", "twin"):
            runs = [ensemble_curve(work, task, side, s, model) for s in range(seeds)]
            runs = [curve_points(r, iterations, smooth=iterations // 8) for r in runs if r is not None]
            if runs:
                lines.append("| %s (%d its) | %s | %s |" % (model, iterations, side, " | ".join(mean_curve(runs))))
    return lines


def adaptation_pays(rows, tasks):
    """Each UDA method against both source-only baselines, per side: on every task's mean against tllib's
    source-only, and on the mean over the tasks against the shared-BatchNorm one."""
    means = {(r["task"], r["method"], side): r[side + "Mean"] for r in rows if "difference" in r for side in ("imed", "twin")}
    names = ["%s→%s" % t for t in tasks]
    lines = []
    for method in ("dann", "cdan", "mcc"):
        for side in ("imed", "twin"):
            try:
                beats = sum(means[(t, method, side)] > means[(t, "source-only", side)] for t in names)
                over = statistics.mean(means[(t, method, side)] for t in names)
                shared = statistics.mean(means[(t, "source-only-shared-bn", side)] for t in names)
            except KeyError:
                continue
            lines.append("| %s | %s | %d of %d | %.1f | %.1f | %s |" % (method, side, beats, len(names), over, shared,
                                                                      "yes" if over > shared else "**no**"))
    if not lines:
        return []
    return ["", "Adaptation pays: tasks where the method's mean beats `source-only`'s, and its mean over the tasks against "
            "`source-only-shared-bn`'s:", "", "| method | side | beats source-only | mean over tasks | shared-BN source-only | beats it |",
            "|---|---|---:|---:|---:|:---:|"] + lines


def chaos_floor_section(work, tasks, methods, seeds, results):
    """Cells where the twin also ran from its paired first parameters moved by 1e-6: how far apart that
    alone puts two runs of one implementation, beside how far apart imed and the twin end."""
    lines = []
    for task in tasks:
        for method in methods:
            # The perturbed runs may cover fewer seeds than the table: compare over the seeds they have.
            have = [s for s in range(seeds) if os.path.exists(
                os.path.join(work, "perturbed", "twin", slug(task), method, "seed%d" % s, "result.json"))
                and results.get(("twin", task, method, s)) and results.get(("imed", task, method, s))]
            if not have:
                continue
            moved = [json.load(open(os.path.join(work, "perturbed", "twin", slug(task), method, "seed%d" % s,
                                                 "result.json")))["targetAccuracy"] for s in have]
            twin = [results[("twin", task, method, s)]["targetAccuracy"] for s in have]
            imed = [results[("imed", task, method, s)]["targetAccuracy"] for s in have]
            lines.append("| %s→%s | %s | %s | %s | %s | %.1f | %.1f |" % (
                task[0], task[1], method, fmt(*mean_sd(imed)), fmt(*mean_sd(twin)), fmt(*mean_sd(moved)),
                statistics.mean(abs(a - b) for a, b in zip(moved, twin)), statistics.mean(abs(a - b) for a, b in zip(imed, twin))))
    if not lines:
        return []
    return ["", "Chaos floor: the twin again from the same first parameters moved by 1e-6 (relative), `--variant perturbed "
            "--side twin` (its seeds only). Per-seed |Δ| is the mean over seeds of how far apart the two runs of a seed end:", "",
            "| task | method | imed | twin | twin, moved by 1e-6 | per-seed \\|twin′ − twin\\| | per-seed \\|imed − twin\\| |",
            "|---|---|---:|---:|---:|---:|---:|"] + lines


def curves_table(results, tasks, methods, seeds, iterations):
    """Mean training-loss curves per side: where they flatten is the evidence for the budget."""
    marks = [iterations * j // 8 for j in range(1, 9)]
    lines = ["| task | method | side | " + " | ".join(str(m) for m in marks) + " |",
             "|---|---|---|" + "---:|" * len(marks)]
    for task in tasks:
        for method in methods:
            for side in ("imed", "twin"):
                runs = [results.get((side, task, method, s)) for s in range(seeds)]
                runs = [curve_points(r, iterations) for r in runs if r is not None]
                if runs:
                    lines.append("| %s→%s | %s | %s | %s |" % (task[0], task[1], method, side, " | ".join(mean_curve(runs))))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "results", "parity"))
    parser.add_argument("--work", default=os.path.join(ROOT, "runs", "parity"))
    parser.add_argument("--data", default=os.path.join(ROOT, "runs", "parity-data"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--tasks", default="all", help="all, or task indices 0,1,2 (" + ", ".join(
        "%d: %s→%s" % (i, *t) for i, t in enumerate(TASKS)) + ")")
    parser.add_argument("--variant", default="paired", choices=sorted(set(VARIANTS) | set(PAIRED)),
                        help="paired (the headline report, parity.md), unpaired, or a one-change unpaired variant")
    parser.add_argument("--ensemble-task", type=int, default=2, help="task index for the teacher and student (-1: none)")
    parser.add_argument("--members", default="dann,cdan,mcc")
    parser.add_argument("--teacher-iterations", type=int, default=500)
    parser.add_argument("--student-iterations", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--side", default="both", choices=["both", "imed", "twin"])
    parser.add_argument("--report-only", action="store_true", help="aggregate the cached runs without training")
    args = parser.parse_args()

    tasks = TASKS if args.tasks == "all" else [TASKS[int(i)] for i in args.tasks.split(",")]
    methods = args.methods.split(",")
    sides = ["imed", "twin"] if args.side == "both" else [args.side]
    os.makedirs(args.data, exist_ok=True)
    if not args.report_only:
        export_domains(args.data)
    members = args.members.split(",")
    ensemble_task = TASKS[args.ensemble_task] if args.ensemble_task >= 0 and args.variant in ("paired", ENSEMBLE_VARIANT) else None

    jobs = [(side, task, method, seed) for seed in range(args.seeds) for task in tasks for method in methods for side in sides]
    results = {}
    failures = []

    def cached_only(side, task, method, seed):
        path = os.path.join(args.work, args.variant, side, slug(task), method, "seed%d" % seed, "result.json")
        return json.load(open(path)) if os.path.exists(path) else None

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for job in jobs:
            if args.report_only:
                results[job] = cached_only(*job)
            else:
                futures[pool.submit(component_run, args.work, args.data, job[0], job[1], job[2], job[3],
                                    args.iterations, args.variant)] = job
        for future in concurrent.futures.as_completed(futures):
            job = futures[future]
            try:
                results[job] = future.result()
                print("%-5s %-22s %-22s seed %d: %.2f" % (job[0], "%s→%s" % job[1], job[2], job[3],
                      results[job]["targetAccuracy"]), flush=True)
            except Exception as e:  # one failed run must not lose the others
                failures.append("%s: %s" % (job, e))
                print("FAILED %s: %s" % (job, e), file=sys.stderr, flush=True)

        ensemble = {}
        if ensemble_task is not None and all(m in methods for m in members):
            efutures = {}
            for seed in range(args.seeds):
                for side in sides:
                    comps = {m: results.get((side, ensemble_task, m, seed)) for m in members}
                    if any(c is None for c in comps.values()):
                        continue
                    if args.report_only or args.variant != ENSEMBLE_VARIANT:  # read, never trained, here
                        path = os.path.join(args.work, ENSEMBLE_VARIANT, side, slug(ensemble_task), "teacher", "seed%d" % seed,
                                            "result.json")
                        if os.path.exists(path):
                            ensemble[(side, seed)] = cached_ensemble(path)
                        continue
                    efutures[pool.submit(ensemble_run, args.work, args.data, side, ensemble_task, seed, members,
                                         args.teacher_iterations, args.student_iterations, comps)] = (side, seed)
            for future in concurrent.futures.as_completed(efutures):
                key = efutures[future]
                try:
                    ensemble[key] = future.result()
                    print("%-5s teacher/student seed %d: %.2f / %.2f" % (key[0], key[1], ensemble[key]["teacherAccuracy"],
                          ensemble[key]["studentAccuracy"]), flush=True)
                except Exception as e:
                    failures.append("%s: %s" % (key, e))
                    print("FAILED %s: %s" % (key, e), file=sys.stderr, flush=True)

    def accuracies(side, task, method):
        return [results[(side, task, method, s)]["targetAccuracy"] for s in range(args.seeds)
                if results.get((side, task, method, s)) is not None]

    rows = []
    for task in tasks:
        for method in methods:
            r = cell("%s→%s | %s" % (task[0], task[1], method), accuracies("imed", task, method), accuracies("twin", task, method))
            r.update({"task": "%s→%s" % task, "method": method})
            rows.append(r)
    ensemble_rows = []
    if ensemble_task is not None:
        for what in ("teacherAccuracy", "studentAccuracy", "averageAccuracy"):
            values = {side: [ensemble[(side, s)][what] for s in range(args.seeds) if (side, s) in ensemble] for side in ("imed", "twin")}
            ensemble_rows.append(cell("%s→%s | %s" % (ensemble_task[0], ensemble_task[1], what.replace("Accuracy", "")),
                                      values["imed"], values["twin"]))
    complete = [r for r in rows if "difference" in r]
    mean_abs = statistics.mean(abs(r["difference"]) for r in complete) if complete else None
    mean_signed = statistics.mean(r["difference"] for r in complete) if complete else None

    os.makedirs(args.out, exist_ok=True)
    suffix = "" if args.variant == "paired" else "-" + args.variant
    # --report-only re-reads the runs the same command trains (and resumes): record that command.
    command = "/usr/bin/python3 bench/parity/parity.py " + " ".join(a for a in sys.argv[1:] if a != "--report-only")
    report = {"schema": "imed.parity/1", "command": command, "variant": args.variant, "iterations": args.iterations,
              "seeds": args.seeds, "teacherIterations": args.teacher_iterations, "studentIterations": args.student_iterations,
              "cells": rows, "ensemble": ensemble_rows, "meanAbsoluteDifference": mean_abs,
              "meanSignedDifference": mean_signed, "failures": failures}
    with open(os.path.join(args.out, "parity%s.json" % suffix + ".tmp"), "w") as out:
        json.dump(report, out, indent=1)
    os.replace(os.path.join(args.out, "parity%s.json" % suffix + ".tmp"), os.path.join(args.out, "parity%s.json" % suffix))
    design = {"paired": "paired: both sides start from imed's first parameters",
              "unpaired": "unpaired: each side draws its own first parameters, by the same scheme"}.get(
                  args.variant, "one change, %s: %s" % ("paired" if args.variant in PAIRED else "unpaired",
                                                        PAIRED.get(args.variant, args.variant)))
    lines = ["# Parity: imed against its PyTorch twin (%s)" % design, "",
             "Made by `%s`. Target accuracy (%%), mean ± sd over %d seeds, %d iterations, 32 source + 32 target images a step." % (
                 command, args.seeds, args.iterations), ""]
    lines += table(rows, "task | method")
    lines += ["", "Mean |Δ| over the %d complete cells: %s; mean signed Δ: %s." % (
        len(complete), "—" if mean_abs is None else "%.2f" % mean_abs,
        "—" if mean_signed is None else "%+.2f" % mean_signed)]
    if args.seeds > 3 and complete:
        # The same cells from their first three seeds: what a 3-seed run of this command reports.
        first = [cell(r["key"], r["imed"][:3], r["twin"][:3]) for r in complete]
        lines += ["", "From the first 3 seeds of each cell only: %d of %d cells within their rule, mean |Δ| %.2f." % (
            sum(1 for r in first if r["pass"]), len(first), statistics.mean(abs(r["difference"]) for r in first))]
    lines += adaptation_pays(rows, tasks)
    lines += ["", "Training loss (mean over seeds; each point averages the 250 iterations before it):", ""]
    lines += curves_table(results, tasks, methods, args.seeds, args.iterations)
    if ensemble_rows:
        lines += ["", "Teacher (%s, %d iterations) and student (%d iterations), unpaired: each side fuses its own members "
                  "(`--variant unpaired` trains them):" % ("+".join(members), args.teacher_iterations, args.student_iterations), ""]
        lines += table(ensemble_rows, "task | model")
        lines += ["", "Their training loss (mean over seeds; each point averages the eighth of the run before it):", ""]
        lines += ensemble_curves_table(args.work, ensemble_task, args.seeds,
                                       [("teacher", args.teacher_iterations), ("student", args.student_iterations)])
    if args.variant == "paired":
        lines += chaos_floor_section(args.work, tasks, methods, args.seeds, results)
    if failures:
        lines += ["", "Failed runs:", ""] + ["- " + f for f in failures]
    findings = os.path.join(args.out, "findings.md")
    if args.variant == "paired" and os.path.exists(findings):
        lines += ["", open(findings).read().rstrip()]
    with open(os.path.join(args.out, "parity%s.md" % suffix), "w") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
