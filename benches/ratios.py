#!/usr/bin/env python3
"""The speed targets of glhac, measured on whole processes, each printed
with PASS or FAIL. Run from the repository after `cargo build --release`:

    python3 benches/ratios.py [--glhac target/release/glhac] [--runs N]

A ratio is the median of ratios of runs taken in turn (A, B, A, B, ...),
so that a machine whose speed drifts while it runs still compares like
with like. Times are wall-clock; CPU times (from the kernel's accounting
of each child) are shown beside them. `cargo bench` times the library in
process (benches/build.rs); benches/README.md records both.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "examples", "seed.glha")
LARGE = os.path.join(ROOT, "benches", "specs", "aa-32-nodes-16-vips.glha")
MB = 1 << 20


def run(argv, cwd=None):
    """Runs argv; (wall seconds, cpu seconds, peak RSS bytes, exit status)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, p.returncode


def verdict(ok):
    return "PASS" if ok else "FAIL"


def paired(make_a, make_b, runs):
    """Runs A and B in turn; medians of A, of B, and of the pairs' ratios,
    for wall and CPU time. make_a/make_b give the argv of run i."""
    rows = []
    for i in range(runs):
        a = run(*make_a(i))
        b = run(*make_b(i))
        if a[3] != 0 or b[3] != 0:
            sys.exit(f"a command failed: {make_a(i)[0]} -> {a[3]}, {make_b(i)[0]} -> {b[3]}")
        rows.append((a, b))
    med = statistics.median
    return {
        "a_wall": med(a[0] for a, _ in rows),
        "b_wall": med(b[0] for _, b in rows),
        "a_cpu": med(a[1] for a, _ in rows),
        "b_cpu": med(b[1] for _, b in rows),
        "wall": med(a[0] / b[0] for a, b in rows),
        "cpu": med(a[1] / b[1] if b[1] > 0 else float("inf") for a, b in rows),
    }


def ms(s):
    return f"{s * 1e3:.2f} ms"


def check_vs_floor(glhac, runs):
    r = paired(lambda i: ([glhac, "check", SEED],), lambda i: ([glhac, "--version"],), runs)
    print(
        f"check seed / --version: wall {r['wall']:.2f} ({ms(r['a_wall'])} / {ms(r['b_wall'])}),"
        f" cpu {r['cpu']:.2f} <= 2: {verdict(r['wall'] <= 2)}"
    )


def build_vs_cp(glhac, runs, work):
    bundle = os.path.join(work, "seed-bundle")
    run([glhac, "build", SEED, "-o", bundle])
    out = os.path.join(work, "build-vs-cp")
    os.mkdir(out)
    # Both write a fresh directory each run, on the same file system.
    r = paired(
        lambda i: ([glhac, "build", SEED, "-o", os.path.join(out, f"b{i}")],),
        lambda i: (["cp", "-r", bundle, os.path.join(out, f"c{i}")],),
        runs,
    )
    print(
        f"build seed / cp -r of its bundle: wall {r['wall']:.2f} ({ms(r['a_wall'])} / {ms(r['b_wall'])}),"
        f" cpu {r['cpu']:.2f} <= 2.5: {verdict(r['wall'] <= 2.5)}"
    )
    shutil.rmtree(out)


def many_specs(glhac, runs, work, count=200):
    specs = os.path.join(work, "many")
    os.mkdir(specs)
    with open(SEED) as f:
        seed = f.read()
    names = []
    for i in range(count):
        name = f"site-{i:03d}.glha"
        with open(os.path.join(specs, name), "w") as f:
            f.write(seed)
        names.append(name)
    singles, batches = [], []
    for i in range(runs):
        singles.append(run([glhac, "build", names[i % count], "-o", f"one-{i}"], cwd=specs))
        if i % max(1, runs // 5) == 0:
            batches.append(run([glhac, "build", *names, "-o", f"all-{i}"], cwd=specs))
    one = statistics.median(s[0] for s in singles)
    each = statistics.median(b[0] for b in batches) / count
    ratio = each / one
    print(
        f"{count} specs in one build, per spec / one-spec build: {ratio:.3f}"
        f" ({ms(each)} / {ms(one)}) <= 0.5: {verdict(ratio <= 0.5)}"
    )


def long_string(seed, size):
    old = 'fencing = waived "fencing is configured with the cluster, before this procedure"'
    filler = max(0, size - len(seed))
    reason = "fenced by the hypervisor; " * (filler // 26 + 1)
    return seed.replace(old, f'fencing = waived "{reason}"', 1)


def many_blocks(seed, size):
    parts, n, i = [seed], len(seed), 0
    while n < size:
        line = (
            f'agent a{i} {{ type = systemd "unit{i}"  params = ["p", "q"]'
            f"  advise start {{ timeout = 20s }} }}\n"
        )
        parts.append(line)
        n += len(line)
        i += 1
    return "".join(parts)


def many_vips(seed, size):
    parts, n, i = [seed], len(seed), 0
    while n < size:
        line = f'vip v{i} {{ address = 172.{16 + ((i >> 16) & 15)}.{(i >> 8) & 255}.{i & 255}/12  nic = "eth1" }}\n'
        parts.append(line)
        n += len(line)
        i += 1
    return "".join(parts)


def peak_rss(argv):
    """Peak resident memory of argv in bytes, as GNU time reports it, or
    None without /usr/bin/time. (A child forked from this script would
    count the script's own memory: Linux carries the high-water mark
    across exec.)"""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    p = subprocess.run(
        ["/usr/bin/time", "-f", "maxrss %M", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in reversed(p.stderr.splitlines()):
        if line.startswith("maxrss "):
            return int(line.split()[1]) * 1024
    return None


def big_specs(glhac, work):
    with open(SEED) as f:
        seed = f.read()
    floor = statistics.median(run([glhac, "--version"])[0] for _ in range(20))
    shapes = [
        ("one long string", long_string),
        ("many small blocks", many_blocks),
        ("many VIPs", many_vips),
    ]
    for shape, make in shapes:
        per_byte = {}
        for mb in (1, 5, 10):
            path = os.path.join(work, f"big-{mb}.glha")
            with open(path, "w") as f:
                f.write(make(seed, mb * MB))
            size = os.path.getsize(path)
            wall = statistics.median(run([glhac, "check", path])[0] for _ in range(5))
            # Per byte beyond the process floor, so that the 1 MB run is
            # not mostly start-up.
            per_byte[mb] = max(wall - floor, 1e-9) / size
            if mb == 10:
                print(f"{shape}: check of 10 MB in {wall:.3f} s <= 1 s: {verdict(wall <= 1)}")
                rss = peak_rss([glhac, "check", path])
                if rss is None:
                    print(f"{shape}: peak RSS not measured (needs GNU time at /usr/bin/time)")
                else:
                    print(
                        f"{shape}: peak RSS {rss / MB:.1f} MB = {rss / size:.2f} x the file"
                        f" <= 3: {verdict(rss / size <= 3)}"
                    )
        growth = per_byte[10] / per_byte[5]
        print(
            f"{shape}: time per byte 10 MB / 5 MB = {growth:.2f} <= 1.25 (linear):"
            f" {verdict(growth <= 1.25)} (10 MB / 1 MB = {per_byte[10] / per_byte[1]:.2f})"
        )


def large_vs_seed(glhac, runs, work):
    """The 32-node spec against the seed, whole processes: `check` (parse,
    check, lower) and `build` into a memory file system when there is one
    (so that the comparison is of compiling and writing, not of how many
    fsyncs 41 files in 99 new directories take; with the disk it is shown
    too, unjudged). cargo bench compares the compilation in process."""
    r = paired(lambda i: ([glhac, "check", LARGE],), lambda i: ([glhac, "check", SEED],), runs)
    print(
        f"check 32 nodes, 16 VIPs / seed: wall {r['wall']:.2f} ({ms(r['a_wall'])} / {ms(r['b_wall'])})"
        f" <= 3: {verdict(r['wall'] <= 3)}"
    )
    shm = "/dev/shm"
    for where, base, judged in [(f"in {shm}", shm, True), ("on disk", work, False)]:
        if not os.path.isdir(base):
            continue
        out = tempfile.mkdtemp(prefix="glha-ratios-", dir=base)
        try:
            r = paired(
                lambda i: ([glhac, "build", LARGE, "-o", os.path.join(out, f"a{i}")],),
                lambda i: ([glhac, "build", SEED, "-o", os.path.join(out, f"s{i}")],),
                max(10, runs // 3),
            )
        finally:
            shutil.rmtree(out)
        tail = f" <= 3: {verdict(r['wall'] <= 3)}" if judged else " (not judged: fsync-bound)"
        print(
            f"build 32 nodes, 16 VIPs / seed {where}: wall {r['wall']:.2f}"
            f" ({ms(r['a_wall'])} / {ms(r['b_wall'])}){tail}"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--glhac", default=os.path.join(ROOT, "target", "release", "glhac"))
    ap.add_argument("--runs", type=int, default=60)
    args = ap.parse_args()
    glhac = os.path.abspath(args.glhac)
    if not os.access(glhac, os.X_OK):
        sys.exit(f"{glhac} is missing: run `cargo build --release` first")
    with tempfile.TemporaryDirectory(prefix="glha-ratios-") as work:
        check_vs_floor(glhac, args.runs * 3)
        build_vs_cp(glhac, args.runs, work)
        many_specs(glhac, args.runs, work)
        big_specs(glhac, work)
        large_vs_seed(glhac, args.runs, work)


if __name__ == "__main__":
    main()
