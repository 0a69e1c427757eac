#!/usr/bin/env python3
# Runs argv[1:] on a new pseudo-terminal, as a user at a terminal would: waits for the console banner, checks the
# terminal's settings while attached, types Ctrl-C, Tab, Up and then Ctrl-], and prints what it saw as one JSON line.
import json, os, pty, select, sys, termios, time

def read_until(fd, needle, limit):
    seen = b""
    end = time.monotonic() + limit
    while needle not in seen and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen

pid, master = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
before = termios.tcgetattr(master)
banner = read_until(master, b"Ctrl-] leaves", 60)
during = termios.tcgetattr(master)
os.write(master, b"\x03\x09\x1b[A")
time.sleep(0.5)
os.write(master, b"\x1d")
rest = read_until(master, b"Left the serial console", 60)
_, status = os.waitpid(pid, 0)
after = termios.tcgetattr(master)
print(json.dumps({
    "banner": banner.decode("utf-8", "replace"),
    "rest": rest.decode("utf-8", "replace"),
    "echoBefore": bool(before[3] & termios.ECHO),
    "echoDuring": bool(during[3] & termios.ECHO),
    "icanonDuring": bool(during[3] & termios.ICANON),
    "isigDuring": bool(during[3] & termios.ISIG),
    "restored": before == after,
    "exit": os.waitstatus_to_exitcode(status),
}))
