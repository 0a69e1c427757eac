# Kill at every step: Lodge is killed with SIGKILL after step k of the handoff (k = 1, 2, ... until the guest runs):
# both 'lodge up lab' and the 'lodge handoff-supervise lab' it started outside the session (the process that takes
# the steps; killing only 'lodge up' is scenario 05's harmless hang-up). A plain 'lodge rescue' then restores the host
# exactly, and a second rescue does nothing.
# kernels: 6.1 6.12
# default: 6.1
# The kills land where the 50 ms poll catches the journal (steps 4, 8, 12, 14 and the running guest on an idle machine),
# not after every single step: an exact stop after step k would need a stop hook in the executor (docs/lab.md).
# timeout: 1500
desktop_before
G=$(group_of $GPU)
lab_machine lab 600
# Done steps of the current run, or 999 once lodge has exited. The journal of an earlier run (another scenario of the
# same boot) counts for nothing: a new run writes its journal aside and renames it, so its inode is new.
journal=/var/lib/lodge/handoff.journal
inode() { stat -c %i "$journal" 2>/dev/null || echo none; }
progress() {
  if exited "$1"; then echo 999
  elif [[ $(inode) == "$old" ]]; then echo 0
  else journal_events done; fi
}
k=1
while ((k <= 20)); do
  old=$(inode)
  lodge up lab > "$OUT/up-$k.log" 2>&1 &
  up=$!
  end=$((SECONDS + 300))
  while (( $(progress $up) < k && SECONDS < end )); do sleep 0.05; done
  if exited $up; then
    check "lodge up was still running at step $k" false
    show "$OUT/up-$k.log" 20
    break
  fi
  # Whether the guest runs is read before the kill: the guest's QEMU runs in the supervisor's unit (KillMode=mixed),
  # so systemd kills it with the supervisor.
  guest=no; vfio_holder "$G" >/dev/null && guest=yes
  pkill -KILL -f 'lodge handoff-supervise lab'
  kill -9 $up
  wait $up 2>/dev/null
  wait_until 30 sh -c "! pgrep -f '[l]odge handoff-supervise lab' >/dev/null"
  at=$(journal_events done)
  lab_log "killed lodge after $at done steps (guest running: $guest)"
  lodge rescue > "$OUT/rescue-$k.log" 2>&1
  check_eq "killed after step $at: lodge rescue exits 0" 0 $?
  wait_until 120 desktop_up
  check "killed after step $at: no QEMU left" test -z "$(qemu_pids)"
  check_state_is "killed after step $at: the host equals the one before" "$OUT/before.state"
  check "killed after step $at: Xorg holds card0" xorg_holds_card
  lodge rescue > "$OUT/rescue-$k-again.log" 2>&1
  check_eq "killed after step $at: a second rescue exits 0" 0 $?
  check "killed after step $at: a second rescue does nothing" grep -qi 'nothing to rescue' "$OUT/rescue-$k-again.log"
  check_state_is "killed after step $at: still the host from before" "$OUT/before.state"
  show "$OUT/rescue-$k.log" 15
  [[ $guest == yes ]] && break
  # No step left to kill after (the last one started the guest): stop rather than wait for a step that never comes.
  ((at < k)) && break
  k=$((at + 1))
done
check "the last kill came while the guest ran" test "$guest" = yes
