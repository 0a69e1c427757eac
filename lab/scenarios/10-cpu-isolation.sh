# CPU isolation and per-node hugepages on a real kernel and systemd (cgroup v2): while a pinned guest runs, QEMU sits
# in machine.slice/lodge-iso.scope with its vCPU on CPU 1, system.slice/user.slice/init.scope are limited to CPU 0,
# and node 0's 2M pool holds the guest's 128 pages; after a clean stop, and after lodge and QEMU are killed and
# 'lodge rescue' runs, every cpuset, affinity and pool is back and no journal is left.
# kernels: 6.1 6.12
# timeout: 900
# default: 6.1
wait_desktop 240
POOL=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
STATE=/var/lib/lodge
cpus_of() { cat "/sys/fs/cgroup/$1/cpuset.cpus" 2>/dev/null; }
allowed_of() { awk '/^Cpus_allowed_list/ {print $2}' "/proc/$1/status" 2>/dev/null; }
qemu_of_iso() { pgrep -f 'qemu-system-x86.*iso' | head -1; }
# How many of QEMU's threads may run only on CPU $2 (QEMU names no thread without debug-threads=on).
threads_on() { local t n=0; for t in /proc/"$1"/task/*; do [[ $(allowed_of "${t#/proc/}") == "$2" ]] && n=$((n + 1)); done; echo $n; }
# One pass over QEMU's threads: exactly one on CPU 1 (the vCPU), every other on CPU 0. Two reads (a count on CPU 0 and a
# count of all threads) raced with QEMU's short-lived worker threads on 6.1 (1 Dec: the check failed while both thread
# lists showed every thread where it belongs).
only_vcpu_off_cpu0() {
  local t a on1=0 elsewhere=0
  for t in /proc/"$1"/task/*; do
    a=$(allowed_of "${t#/proc/}")
    [[ -z $a ]] && continue # the thread has just ended
    if [[ $a == 1 ]]; then on1=$((on1 + 1)); elif [[ $a != 0 ]]; then elsewhere=$((elsewhere + 1)); fi
  done
  ((on1 == 1 && elsewhere == 0))
}
limited() { [[ $(cpus_of system.slice) == 0 && $(cpus_of user.slice) == 0 && $(cpus_of init.scope) == 0 ]]; }
unlimited() { [[ -z $(cpus_of system.slice) && -z $(cpus_of user.slice) && -z $(cpus_of init.scope) ]]; }
journald=$(pidof systemd-journald)
pool_before=$(cat $POOL)
check_eq "before: the lab has 2 online CPUs" 0-1 "$(cat /sys/devices/system/cpu/online)"
check "before: cgroup v2 with the cpuset controller" grep -qw cpuset /sys/fs/cgroup/cgroup.controllers
check "before: no unit is limited" unlimited
check_eq "before: journald may run on every CPU" 0-1 "$(allowed_of "$journald")"
install -d /etc/lodge/machines
cat > /etc/lodge/machines/iso.toml <<TOML
os = "linux"

[cpu]
cores = 1
threads = 1
pin = "auto"
isolate = true

[memory]
size = "256M"
hugepages = "auto"

[firmware]
type = "bios"

[[disk]]
path = "/lab/disks/poweroff-600.img"

[display]
type = "none"

[gpu]
mode = "none"
TOML
lodge plan iso > "$OUT/plan.log" 2>&1
check_eq "lodge plan iso" 0 $?
check "the plan pins the vCPU to CPU 1 and isolates the host on CPU 0" grep -q 'on CPUs 0 while the guest runs' "$OUT/plan.log"

run_guest() { # $1: log name; leaves $up and $qemu
  lodge up iso > "$OUT/$1.log" 2>&1 &
  up=$!
  qemu=
  if wait_until 300 limited; then
    qemu=$(qemu_of_iso)
  fi
}

# What the kernel says about QEMU's threads and its scope's cpuset (for reading a failure; no check).
threads_log() {
  local t
  for t in /proc/"$1"/task/*; do echo "thread ${t##*/} $(cat "$t/comm" 2>/dev/null) allowed=$(allowed_of "${t#/proc/}")"; done
  echo "scope cpuset.cpus.effective=$(cat /sys/fs/cgroup/machine.slice/lodge-iso.scope/cpuset.cpus.effective 2>/dev/null)"
  echo "machine.slice cpuset.cpus.effective=$(cat /sys/fs/cgroup/machine.slice/cpuset.cpus.effective 2>/dev/null)"
  echo "root cgroup.subtree_control=$(cat /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null)"
}

# 1. A clean stop.
run_guest up
if [[ -n $qemu ]]; then
  sleep 3
  threads_log "$qemu" > "$OUT/threads.log"
  show "$OUT/threads.log" 20
  check_eq "running: QEMU is in its own scope" "0::/machine.slice/lodge-iso.scope" "$(cat /proc/$qemu/cgroup)"
  check_eq "running: one QEMU thread (the vCPU) stays on CPU 1" 1 "$(threads_on "$qemu" 1)"
  check "running: every other QEMU thread is on CPU 0" only_vcpu_off_cpu0 "$qemu"
  threads_log "$qemu" > "$OUT/threads-checked.log"
  show "$OUT/threads-checked.log" 20
  check_eq "running: system.slice on CPU 0" 0 "$(cpus_of system.slice)"
  check_eq "running: journald (system.slice) runs on CPU 0 only" 0 "$(allowed_of "$journald")"
  check_eq "running: node 0's pool holds the guest's 128 pages" $((pool_before + 128)) "$(cat $POOL)"
  check "running: both journals exist" test -s $STATE/isolation.journal -a -s $STATE/hugepages.journal
  lodge status iso > "$OUT/status.log" 2>&1
  show "$OUT/status.log" 20
  lodge down iso --timeout 30 --force > "$OUT/down.log" 2>&1
  check_eq "lodge down iso" 0 $?
  wait_until 120 exited $up
else
  check "the host's units were limited within 300 s" false
  # Stopped as a user would: a killed foreground 'lodge up' leaves its QEMU running (seen on 6.12, 1 Dec).
  lodge down iso --timeout 5 --force > "$OUT/down-unlimited.log" 2>&1
  wait_until 120 exited $up || kill $up 2>/dev/null
fi
wait $up 2>/dev/null
check "stopped: no unit is limited" unlimited
check_eq "stopped: journald may run on every CPU again" 0-1 "$(allowed_of "$journald")"
check_eq "stopped: node 0's pool is back" "$pool_before" "$(cat $POOL)"
check "stopped: no journal left" test ! -e $STATE/isolation.journal -a ! -e $STATE/hugepages.journal

# 2. lodge and QEMU killed while the guest runs; rescue gives everything back.
run_guest up-killed
if [[ -n $qemu ]]; then
  kill -9 $up "$qemu"
  wait $up 2>/dev/null
  wait_until 30 exited "$qemu"
  check "killed: the units are still limited" limited
  check_eq "killed: the pages are still reserved" $((pool_before + 128)) "$(cat $POOL)"
  # rescue before any other lodge command: status would clean the stale state (and give everything back) itself.
  lodge rescue > "$OUT/rescue.log" 2>&1
  check_eq "lodge rescue exits 0" 0 $?
  show "$OUT/rescue.log" 20
  check "rescued: no unit is limited" unlimited
  check_eq "rescued: journald may run on every CPU again" 0-1 "$(allowed_of "$journald")"
  check_eq "rescued: node 0's pool is back" "$pool_before" "$(cat $POOL)"
  check "rescued: no journal left" test ! -e $STATE/isolation.journal -a ! -e $STATE/hugepages.journal
  lodge status > "$OUT/status-rescued.log" 2>&1
  show "$OUT/status-rescued.log" 20
  lodge rescue > "$OUT/rescue-again.log" 2>&1
  check_eq "a second rescue exits 0" 0 $?
  check "a second rescue does nothing" grep -qi 'nothing to rescue' "$OUT/rescue-again.log"
else
  check "the host's units were limited within 300 s (second run)" false
  lodge down iso --timeout 5 --force > "$OUT/down-unlimited-2.log" 2>&1
  wait_until 120 exited $up || kill $up 2>/dev/null
  wait $up 2>/dev/null
fi
show "$OUT/plan.log" 40
show "$OUT/up.log" 40
show "$OUT/up-killed.log" 40
