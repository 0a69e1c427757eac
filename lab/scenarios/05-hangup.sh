# The terminal goes away: 'lodge up lab' runs in a terminal (a pty held by 'script'); when the display manager
# stops, the terminal dies with the X server (its pty master closes, the kernel sends SIGHUP). The handoff and the
# way back must still complete.
# kernels: 6.1 6.12
# default: 6.12
# timeout: 900
desktop_before
G=$(group_of $GPU)
lab_machine lab 30
SHELL=/bin/bash setsid script -qfec "lodge up lab" "$OUT/up.log" </dev/null >/dev/null 2>&1 &
term=$!
wait_until 120 dm_stopped
sleep 0.5
kill -9 $term
lab_log "the terminal died (pid $term) after the display manager stopped"
sleep 2
check "lodge survives the hangup" pgrep -x lodge
if wait_until 300 vfio_holder "$G"; then
  check_handed_over "$G"
else
  check "a nested QEMU holds /dev/vfio/$G" false
fi
if ! wait_until 120 no_lodge; then
  lab_log "the guest did not power itself off within 120 s; 'lodge down lab --timeout 5 --force'"
  lodge down lab --timeout 5 --force > "$OUT/down.log" 2>&1
  wait_until 180 no_lodge
fi
check "lodge has finished" no_lodge
check_given_back "$OUT/before.state"
check "the journal ends clean" grep -q '"event":"clean"' <(tail -n 1 /var/lib/lodge/handoff.journal)
show "$OUT/up.log" 40
