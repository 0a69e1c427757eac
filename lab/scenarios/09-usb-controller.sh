# USB controller passthrough: the xHCI controller (00:03.0) with its keyboard goes to the nested guest and comes back.
# The guest's own power-off is scenario 2's subject: here the guest waits (its disk powers off after 600 s) and is
# stopped the way a user stops it ('lodge down usb'), right after the checks, so the scenario's length does not hang
# on how fast the nested SeaBIOS boots.
# kernels: 6.1 6.12
# default: 6.1 6.12
# timeout: 900
wait_desktop 240
keyboard() { grep -l 'Keyboard' /sys/class/input/input*/name 2>/dev/null | while read -r n; do readlink -f "$(dirname "$n")/device"; done | grep -q "/$XHCI/"; }
no_keyboard() { ! keyboard; }
# QEMU opens /dev/vfio/N first and the controller's device fd later (after it has mapped the guest's RAM for DMA, which
# takes seconds under TCG on a busy host); QMP answers only after that, and Lodge records the guest running only then.
lodge_says_running() { [[ $(jq -r .phase /run/lodge/usb/state.json 2>/dev/null) == running ]]; }
xhci_bound() { [[ $(driver_of $XHCI) == xhci_hcd ]]; }
# On 6.12 under a loaded host udev binds the xHCI, and the xHCI enumerates its keyboard, after the desktop is up (seen
# 1 Dec: no driver 17 s after the desktop, the keyboard 20 s later).
wait_until 180 xhci_bound
check_eq "before: xHCI driver" xhci_hcd "$(driver_of $XHCI)"
wait_until 120 keyboard
check "before: the keyboard behind the xHCI is an input device" keyboard
host_state > "$OUT/before.state"
X=$(group_of $XHCI)
lab_machine usb 600 "[[usb]]
controller = \"$XHCI\"" none
lodge check usb > "$OUT/check.log" 2>&1
check_eq "lodge check usb" 0 $?
lodge up usb > "$OUT/up.log" 2>&1 &
up=$!
if wait_for_guest "$X" $up; then
  qemu=$(vfio_holder "$X")
  wait_until 300 lodge_says_running
  check_eq "QEMU holds the controller once Lodge says the guest runs" 1 "$(vfio_device_fds "$qemu")"
  check_eq "xHCI driver with the guest" vfio-pci "$(driver_of $XHCI)"
  check "the keyboard has left the host" no_keyboard
  check "QEMU was given the controller" grep -q "host=$XHCI" <(tr '\0' ' ' < "/proc/$qemu/cmdline")
else
  check "a nested QEMU holds /dev/vfio/$X (the xHCI's group)" false
fi
# SeaBIOS does not answer the ACPI power button, so 'down' waits 5 s and then has QEMU quit.
lodge down usb --timeout 5 --force > "$OUT/down.log" 2>&1
check_eq "lodge down usb" 0 $?
wait_until 180 exited $up
wait $up
check_eq "lodge up usb exits 0" 0 $?
wait_until 120 keyboard
check_eq "after: xHCI driver" xhci_hcd "$(driver_of $XHCI)"
check "after: the keyboard is back" keyboard
check_state_is "after: the host equals the one before" "$OUT/before.state"
show "$OUT/check.log" 20
show "$OUT/up.log" 40
show "$OUT/down.log" 20
