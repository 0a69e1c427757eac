# Single-GPU handoff, happy path: 'lodge up lab' of a gpu.mode = "handoff" machine; the guest powers itself off
# after 30 s; everything comes back.
# kernels: 6.1 6.12
# default: 6.1 6.12
# timeout: 900
desktop_before
G=$(group_of $GPU)
lab_machine lab 30
lodge check lab > "$OUT/check.log" 2>&1
check_eq "lodge check lab" 0 $?
lodge up lab > "$OUT/up.log" 2>&1 &
up=$!
if wait_for_guest "$G" $up; then
  check_handed_over "$G"
  show /run/lodge/lab/qemu.args 60
else
  check "a nested QEMU holds /dev/vfio/$G" false
fi
wait_guest_exit $up lab
wait $up
check_eq "lodge up exits 0" 0 $?
check_given_back "$OUT/before.state"
show "$OUT/check.log" 20
show "$OUT/up.log" 40
