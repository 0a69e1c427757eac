# USB controller passthrough: the xHCI controller (00:03.0) with its keyboard goes to the nested guest and comes back.
# kernels: 6.1 6.12
# timeout: 900
wait_desktop 240
keyboard() { grep -l 'Keyboard' /sys/class/input/input*/name 2>/dev/null | while read -r n; do readlink -f "$(dirname "$n")/device"; done | grep -q "/$XHCI/"; }
no_keyboard() { ! keyboard; }
check_eq "before: xHCI driver" xhci_hcd "$(driver_of $XHCI)"
check "before: the keyboard behind the xHCI is an input device" keyboard
host_state > "$OUT/before.state"
X=$(group_of $XHCI)
lab_machine usb 30 "[[usb]]
controller = \"$XHCI\"" none
lodge check usb > "$OUT/check.log" 2>&1
check_eq "lodge check usb" 0 $?
lodge up usb > "$OUT/up.log" 2>&1 &
up=$!
if wait_for_guest "$X" $up; then
  qemu=$(vfio_holder "$X")
  check_eq "xHCI driver with the guest" vfio-pci "$(driver_of $XHCI)"
  check "the keyboard has left the host" no_keyboard
  check_eq "QEMU holds the controller" 1 "$(vfio_device_fds "$qemu")"
  check "QEMU was given the controller" grep -q "host=$XHCI" <(tr '\0' ' ' < "/proc/$qemu/cmdline")
else
  check "a nested QEMU holds /dev/vfio/$X (the xHCI's group)" false
fi
wait_guest_exit $up usb
wait $up
check_eq "lodge up usb exits 0" 0 $?
wait_until 60 keyboard
check_eq "after: xHCI driver" xhci_hcd "$(driver_of $XHCI)"
check "after: the keyboard is back" keyboard
check_state_is "after: the host equals the one before" "$OUT/before.state"
show "$OUT/check.log" 20
show "$OUT/up.log" 40
