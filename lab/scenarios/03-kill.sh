# Kill at every step: the handoff is killed with SIGKILL right after step k, for every k = 1, 2, ... N (every step
# until the guest runs), and once more while the guest runs. Lodge's hidden test hook LODGE_TEST_STOP_AFTER_STEP=k
# makes the supervisor ('lodge handoff-supervise lab', started outside the session in the transient unit lodge-lab, the
# process that takes the steps) stop itself with SIGSTOP right after it has journaled step k as done; the scenario then
# kills it and 'lodge up lab' with SIGKILL (killing only 'lodge up' is scenario 05's harmless hang-up). A plain
# 'lodge rescue' then restores the host exactly (no QEMU left, the host equals the one before, Xorg on card0), and a
# second rescue does nothing.
# kernels: 6.1 6.12
# default: 6.1
# timeout: 3000
desktop_before
G=$(group_of $GPU)
lab_machine lab 600
# The supervisor stopped by the hook (state T in /proc/PID/stat); its command line names the machine.
stopped_supervisor() {
  local p
  for p in $(pgrep -f '[l]odge handoff-supervise lab'); do
    [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == T ]] && return 0
  done
  return 1
}
k=1
steps=0
while ((k <= 40)); do
  LODGE_TEST_STOP_AFTER_STEP=$k lodge up lab > "$OUT/up-$k.log" 2>&1 &
  up=$!
  # Stopped after step k, or (k beyond the last step) the guest runs: the hook never fires then.
  end=$((SECONDS + 300))
  while ! stopped_supervisor && ! vfio_holder "$G" >/dev/null && ! exited $up && ((SECONDS < end)); do sleep 0.1; done
  # The guest's start is the last step: its QEMU holds the group a moment before that step is journaled and the hook
  # stops the supervisor, so a running guest counts as "beyond the last step" only when no stop comes within 20 s.
  if ! stopped_supervisor && vfio_holder "$G" >/dev/null; then wait_until 20 stopped_supervisor; fi
  stopped=no; stopped_supervisor && stopped=yes
  # Whether the guest runs is read before the kill: the guest's QEMU runs in the supervisor's unit (KillMode=mixed),
  # so systemd kills it with the supervisor.
  guest=no; vfio_holder "$G" >/dev/null && guest=yes
  if [[ $stopped == no && $guest == no ]]; then
    check "step $k: the supervisor stopped after it, or the guest ran" false
    show "$OUT/up-$k.log" 30
    pkill -KILL -f '[l]odge handoff-supervise lab'
    kill -9 $up 2>/dev/null
    wait $up 2>/dev/null
    break
  fi
  pkill -KILL -f '[l]odge handoff-supervise lab'
  kill -9 $up 2>/dev/null
  wait $up 2>/dev/null
  wait_until 30 sh -c "! pgrep -f '[l]odge handoff-supervise lab' >/dev/null"
  at=$(journal_events done)
  if [[ $stopped == yes ]]; then
    check_eq "stopped by the hook after step $k: $k steps done in the journal" "$k" "$at"
    what="killed after step $at"
    steps=$at
  else
    what="killed while the guest ran (after all $at steps)"
  fi
  lab_log "$what (guest running: $guest)"
  lodge rescue > "$OUT/rescue-$k.log" 2>&1
  check_eq "$what: lodge rescue exits 0" 0 $?
  wait_until 120 desktop_up
  check "$what: no QEMU left" test -z "$(qemu_pids)"
  check_state_is "$what: the host equals the one before" "$OUT/before.state"
  check "$what: Xorg holds card0" xorg_holds_card
  lodge rescue > "$OUT/rescue-$k-again.log" 2>&1
  check_eq "$what: a second rescue exits 0" 0 $?
  check "$what: a second rescue does nothing" grep -qi 'nothing to rescue' "$OUT/rescue-$k-again.log"
  check_state_is "$what: still the host from before" "$OUT/before.state"
  show "$OUT/rescue-$k.log" 15
  [[ $stopped == no ]] && break
  k=$((k + 1))
done
lab_log "killed after each of steps 1 to $steps, then with the guest running: $guest"
check "a kill came after every step up to the last one ($steps), then one while the guest ran" test "$stopped" = no -a "$guest" = yes -a "$steps" -ge 1
