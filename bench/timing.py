"""Shared by the bench scripts (bench/run, bench/startup): one timed run and one peak-RSS run of a program, its output
discarded."""
import os
import time

_devnull = os.open(os.devnull, os.O_WRONLY)
_quiet = [(os.POSIX_SPAWN_DUP2, _devnull, 1), (os.POSIX_SPAWN_DUP2, _devnull, 2)]


def run(argv):
    """One run: wall time in ms and the exit code."""
    t = time.monotonic_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=_quiet)
    _, status, _ = os.wait4(pid, 0)
    return (time.monotonic_ns() - t) / 1e6, os.waitstatus_to_exitcode(status)


def peak_rss(argv):
    """Peak RSS in KiB, through GNU time (a small process that forks): posix_spawn from this Python process would
    vfork, and a child's ru_maxrss keeps the high-water mark of the memory it started in, so every program would
    measure at least Python's own ~14 MB (the bench's earlier RSS columns did)."""
    rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"lodge-bench-rss-{os.getpid()}")
    try:
        pid = os.posix_spawn("/usr/bin/time", ["/usr/bin/time", "-f", "%M", "-o", rss_file, *argv], os.environ, file_actions=_quiet)
        os.wait4(pid, 0)
        with open(rss_file) as f:
            return int(f.read().split()[-1])
    finally:
        try:
            os.remove(rss_file)
        except OSError:
            pass
