# A step that hangs for real: a vfio-pci unbind blocks in the kernel while a QEMU still holds the device (measured:
# it returns only when that QEMU exits). Here lodge is killed while the guest runs, and the rescue cannot find the
# guest's QEMU (the user ran 'lodge up' with LODGE_RUN_DIR elsewhere, and 'lodge rescue' without it), so its unbind
# blocks. Lodge must not claim the host is restored; once the QEMU is gone, a second rescue finishes the job.
# kernels: 6.1 6.12
# timeout: 900
desktop_before
G=$(group_of $GPU)
lab_machine lab 600
mkdir -p /tmp/elsewhere
LODGE_RUN_DIR=/tmp/elsewhere lodge up lab > "$OUT/up.log" 2>&1 &
up=$!
wait_until 300 vfio_holder "$G"
qemu=$(vfio_holder "$G")
check "the guest's QEMU holds /dev/vfio/$G" test -n "$qemu"
kill -9 $up
wait $up 2>/dev/null
# Lodge abandons a stuck write after its timeout; the rescue must then end and say so, not wait for the kernel. (In
# the background: a process stuck in the kernel ignores even SIGKILL, so 'timeout' would wait for it too.)
lodge rescue > "$OUT/rescue.log" 2>&1 &
rescue=$!
if wait_until 300 exited $rescue; then wait $rescue; rc=$?; else rc=hung; fi
check "rescue ends within 300 s while the unbind is stuck" test "$rc" != hung
check "rescue reports failure while the unbind is stuck" test $rc -ne 0
check "rescue does not claim the host has its GPU back" bash -c "! grep -qiE 'has its GPU back|nothing to rescue' '$OUT/rescue.log'"
check "rescue says what to do" grep -qiE 'rescue|qemu|holds' "$OUT/rescue.log"
check_eq "the GPU is still on vfio-pci (the kernel has not unbound it)" vfio-pci "$(driver_of $GPU)"
check "the journal is not clean" bash -c "! tail -n 1 /var/lib/lodge/handoff.journal | grep -q '\"event\":\"clean\"'"
show "$OUT/rescue.log" 30
# The user stops the QEMU; the stuck write (if any still waits) lands, and a second rescue completes.
kill -9 "$qemu"
wait_until 30 exited "$qemu"
wait_until 60 exited "$rescue"
lodge rescue > "$OUT/rescue-2.log" 2>&1
check_eq "the second rescue exits 0" 0 $?
check_given_back "$OUT/before.state"
lodge rescue > "$OUT/rescue-3.log" 2>&1
check "a third rescue does nothing" grep -qi 'nothing to rescue' "$OUT/rescue-3.log"
show "$OUT/rescue-2.log" 30
