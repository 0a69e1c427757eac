# Crash and reboot: the machine is reset (sysrq 'b': no sync, no unmount) while the guest holds the GPU. On the next
# boot the rescue unit (dist/systemd/lodge-rescue.service, installed as the README says) runs before the display
# manager, the boot does not stall, and the host is as before with a clean journal.
# kernels: 6.1 6.12
# timeout: 900
# reboots: yes
if (( $(lab_boot_count) == 1 )); then
  desktop_before
  cp /lab/dist/systemd/lodge-rescue.service /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable lodge-rescue.service 2>&1
  sync
  G=$(group_of $GPU)
  lab_machine lab 600
  sync
  lodge up lab > "$OUT/up.log" 2>&1 &
  if wait_until 300 vfio_holder "$G"; then
    check "before the reset: the guest holds the GPU" true
  else
    check "before the reset: the guest holds the GPU" false
  fi
  check "before the reset: the journal is not clean" bash -c "! tail -n 1 /var/lib/lodge/handoff.journal | grep -q '\"event\":\"clean\"'"
  show "$OUT/up.log" 20
  sync -f "$OUT/checks"
  echo 1 > /proc/sys/kernel/sysrq
  echo b > /proc/sysrq-trigger
  sleep 60
fi
# Second boot.
check_eq "this is the second boot" 2 "$(lab_boot_count)"
wait_until 240 desktop_up
check "the desktop came back (lightdm active, Xorg holds card0)" desktop_up
check_eq "the rescue unit's condition held (the journal was there)" "yes" "$(systemctl show -p ConditionResult --value lodge-rescue.service)"
check_eq "the rescue unit ran and succeeded" "success" "$(systemctl show -p Result --value lodge-rescue.service)"
check_eq "the rescue unit exited 0" "0" "$(systemctl show -p ExecMainStatus --value lodge-rescue.service)"
rescue_start=$(systemctl show -p ExecMainStartTimestampMonotonic --value lodge-rescue.service)
rescue_end=$(systemctl show -p ExecMainExitTimestampMonotonic --value lodge-rescue.service)
dm_start=$(systemctl show -p ExecMainStartTimestampMonotonic --value display-manager.service)
dm_up=$(systemctl show -p ActiveEnterTimestampMonotonic --value display-manager.service)
lab_log "rescue ran from ${rescue_start} to ${rescue_end} us; display manager started at ${dm_start} us, active at ${dm_up} us (monotonic, from the kernel's start)"
check "the rescue unit ended before the display manager started" test "${rescue_end:-0}" -gt 0 -a "${rescue_end:-0}" -le "${dm_start:-0}"
# The stall issue 13 item 7 describes: a rescue that starts the display manager and waits for it (a minute and more).
# A stall is waiting, not work: the rescue's wall time less the CPU time its unit consumed (systemd's "Consumed ... CPU
# time", which counts its modprobe and sysfs-write children and, under TCG, the kernel's work in them). Wall time alone
# grows with the outer machine's load (37 s of busy work on 6.12 under a load average of 23), so it is only logged.
rescue_cpu_us=$(journalctl -b -u lodge-rescue.service --no-pager -o cat | sed -n 's/.*Consumed \(.*\) CPU time.*/\1/p' | tail -n 1 |
  awk '{us = 0; for (i = 1; i <= NF; i++) { v = $i; if (v ~ /min$/) { sub(/min$/, "", v); us += v * 60000000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); us += v * 1000 } else if (v ~ /s$/) { sub(/s$/, "", v); us += v * 1000000 } } printf "%d", us}')
rescue_wall_us=$(( ${rescue_end:-0} - ${rescue_start:-0} ))
lab_log "rescue: ${rescue_wall_us} us wall, ${rescue_cpu_us:-unknown} us CPU"
check "the rescue unit's CPU time is in the journal" test -n "${rescue_cpu_us}"
check "the rescue unit did not stall the boot (it waited less than 30 s: wall time less CPU time)" \
  test "$(( rescue_wall_us - ${rescue_cpu_us:-0} ))" -lt 30000000
check "the display manager was active within 120 s of the rescue's end" test "${dm_up:-0}" -gt 0 -a "$(( ${dm_up:-0} - ${rescue_end:-0} ))" -lt 120000000
# The same order as the journal tells it: rescue finished, then the display manager started.
journalctl -b -o short-monotonic --no-pager -u lodge-rescue.service -u lightdm.service > "$OUT/order.log" 2>&1
show "$OUT/order.log" 30
check "the journal shows the rescue finished before lightdm started" \
  awk '/Finished lodge-rescue.service|lodge-rescue.service: Deactivated successfully/ && !r {r = NR} /Starting lightdm.service|Starting Light Display Manager/ && !l {l = NR} END {exit !(r && l && r < l)}' "$OUT/order.log"
check "lightdm.service started once (no restart loop)" test "$(systemctl show -p NRestarts --value lightdm.service)" = 0
check "the journal ends clean" grep -q '"event":"clean"' <(tail -n 1 /var/lib/lodge/handoff.journal)
check_state_is "the host equals the one before the handoff" "$OUT/before.state"
lodge rescue > "$OUT/rescue-after.log" 2>&1
check "a manual rescue has nothing to do" grep -qi 'nothing to rescue' "$OUT/rescue-after.log"
journalctl -b -u lodge-rescue.service --no-pager > "$OUT/rescue-unit.log" 2>&1
show "$OUT/rescue-unit.log" 30
