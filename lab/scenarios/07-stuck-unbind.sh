# A step that hangs for real: a vfio-pci unbind blocks in the kernel while a QEMU still holds the device (measured:
# it returns only when that QEMU exits). Here lodge (its supervisor and 'lodge up') is killed while the guest runs; the
# guest's QEMU dies with the supervisor's unit, and a QEMU that Lodge knows nothing of (started by hand) takes the card
# and its audio through vfio-pci. 'lodge rescue' then gets stuck on the unbind from vfio-pci: it must end anyway, mark
# the device wedged, give back nothing that touches it, leave the display manager stopped while the GPU is on vfio-pci,
# and say plainly what to do. Once that QEMU is gone the stuck write lands, and a second rescue finishes the job.
# kernels: 6.1 6.12
# default: 6.1 6.12
# timeout: 900
desktop_before
G=$(group_of $GPU)
lab_machine lab 600
lodge up lab > "$OUT/up.log" 2>&1 &
up=$!
wait_until 300 vfio_holder "$G"
check "the guest's QEMU holds /dev/vfio/$G" vfio_holder "$G"
pkill -KILL -f 'lodge handoff-supervise lab'
kill -9 $up
wait $up 2>/dev/null
no_qemu() { [[ -z $(qemu_pids) ]]; }
wait_until 60 no_qemu
check_eq "after the kill the GPU stays on vfio-pci" vfio-pci "$(driver_of $GPU)"
# Someone else's QEMU holds both functions (paused, as a guest that has not started would).
qemu-system-x86_64 -machine q35 -accel tcg -m 128 -nodefaults -display none -S \
  -device vfio-pci,host=$GPU,rombar=0 -device vfio-pci,host=$AUDIO > "$OUT/stray-qemu.log" 2>&1 &
qemu=$!
wait_until 120 vfio_holder "$G"
check "a QEMU Lodge does not know holds /dev/vfio/$G" vfio_holder "$G"
# Lodge gives up a stuck write after its timeout; the rescue must then end and say so, not wait for the kernel. (In
# the background: a process stuck in the kernel ignores even SIGKILL, so 'timeout' would wait for it too.)
lodge rescue > "$OUT/rescue.log" 2>&1 &
rescue=$!
if wait_until 300 exited $rescue; then wait $rescue; rc=$?; else rc=hung; fi
check "rescue ends within 300 s while the unbind is stuck" test "$rc" != hung
check "rescue reports failure while the unbind is stuck" test "$rc" != 0
check "rescue does not claim the host has its GPU back" bash -c "! grep -qiE 'has its GPU back|nothing to rescue' '$OUT/rescue.log'"
check "rescue says a reboot is needed" grep -qi 'reboot' "$OUT/rescue.log"
# While vfio-pci's remove() waits for the holder, sysfs already shows no driver (the kernel drops the link first):
# the card must just not be back on its host driver.
check "the GPU is not given back to bochs-drm while its unbind is stuck" test "$(driver_of $GPU)" != bochs-drm
check "the journal records the wedge" grep -q '"event":"wedged"' /var/lib/lodge/handoff.journal
check "the journal is not clean" bash -c "! tail -n 1 /var/lib/lodge/handoff.journal | grep -q '\"event\":\"clean\"'"
check "the display manager was not started while the GPU is on vfio-pci" dm_stopped
show "$OUT/rescue.log" 40
# The user stops that QEMU; the stuck write lands (its child process ends), and a second rescue completes.
kill -9 "$qemu"
wait_until 30 exited "$qemu"
wait_until 60 sh -c "! pgrep -f '[l]odge sysfs-write' >/dev/null"
check "no stuck write is left once that QEMU is gone" sh -c "! pgrep -f '[l]odge sysfs-write' >/dev/null"
lodge rescue > "$OUT/rescue-2.log" 2>&1
check_eq "the second rescue exits 0" 0 $?
wait_until 120 desktop_up
check_given_back "$OUT/before.state"
lodge rescue > "$OUT/rescue-3.log" 2>&1
check "a third rescue does nothing" grep -qi 'nothing to rescue' "$OUT/rescue-3.log"
show "$OUT/rescue-2.log" 30
