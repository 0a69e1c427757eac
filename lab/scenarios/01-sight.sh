# Sight: 'lodge devices --json' and 'lodge doctor --json' agree with the kernel's own groups, drivers and boot VGA,
# and with lspci; doctor says honestly that there is no KVM (the lab runs under TCG, without /dev/kvm).
# kernels: 6.1 6.12
# timeout: 420
wait_until 120 test "$(driver_of $GPU)" = bochs-drm
lodge devices --json > "$OUT/devices.json" 2> "$OUT/devices.err"
check_eq "lodge devices --json exits 0" 0 $?
lodge doctor --json > "$OUT/doctor.json" 2> "$OUT/doctor.err"
doctor_rc=$?
check "devices --json is JSON" jq -e . "$OUT/devices.json"
check "doctor --json is JSON" jq -e . "$OUT/doctor.json"

dev() { jq -r --arg a "$1" ".devices[] | select(.address == \$a) | $2" "$OUT/devices.json"; }
check_eq "IOMMU on" true "$(jq -r .iommu.enabled "$OUT/devices.json")"
check_eq "group count" "$(ls /sys/kernel/iommu_groups | wc -l)" "$(jq -r .iommu.groupCount "$OUT/devices.json")"
check_eq "device count" "$(ls /sys/bus/pci/devices | wc -l)" "$(jq -r '.devices | length' "$OUT/devices.json")"
for d in /sys/bus/pci/devices/*; do
  a=$(basename "$d")
  group=$(group_of "$a")
  driver=$(driver_of "$a"); [[ $driver == none ]] && driver=null
  check_eq "$a group" "$group" "$(dev "$a" .iommuGroup)"
  check_eq "$a driver" "$driver" "$(dev "$a" .driver)"
  check_eq "$a class" "$(cat "$d/class")" "$(dev "$a" .class)"
  # lspci reads the same device through libpci: ids, class and driver.
  read -r _ cls ids _ <<<"$(lspci -D -n -s "$a")"
  check_eq "$a ids as lspci" "$ids" "$(dev "$a" '"\(.vendorId):\(.deviceId)"')"
  check_eq "$a class as lspci" "${cls%:}" "$(dev "$a" '.class[2:6]')"
  lspci_driver=$(lspci -k -s "$a" | sed -n 's/^\s*Kernel driver in use: //p'); [[ -z $lspci_driver ]] && lspci_driver=null
  check_eq "$a driver as lspci" "$lspci_driver" "$(dev "$a" .driver)"
  if [[ -f $d/boot_vga ]]; then
    [[ $(cat "$d/boot_vga") == 1 ]] && bv=true || bv=false
    check_eq "$a boot VGA" "$bv" "$(dev "$a" .bootVga)"
  fi
done
for g in /sys/kernel/iommu_groups/*; do
  check_eq "group $(basename "$g") members" "$(ls "$g/devices" | sort | xargs)" \
    "$(jq -r --argjson g "$(basename "$g")" '.groups[] | select(.id == $g) | .devices | sort | join(" ")' "$OUT/devices.json")"
done
check_eq "GPU kind" gpu "$(dev $GPU .kind)"
check_eq "GPU verdict: the audio function is its only companion" "with-companions $AUDIO" "$(dev $GPU '"\(.verdict) \(.companions | join(" "))"')"
check_eq "xHCI kind" usb "$(dev $XHCI .kind)"
# KVM: the lab has no /dev/kvm, so doctor must say guests cannot run with KVM (exit 2), never claim it.
check "no /dev/kvm in the lab" test ! -e /dev/kvm
check_eq "doctor exit code (no KVM)" 2 "$doctor_rc"
check_eq "doctor JSON exit code" 2 "$(jq -r .exitCode "$OUT/doctor.json")"
check "doctor names KVM as failing" jq -e '[.sections[].checks[] | select((.title + .detail) | test("KVM")) | .status] | any(. == "fail" or . == "error")' "$OUT/doctor.json"
check "doctor lists the GPU as passable" jq -e --arg g "$GPU" '.passableGpus | index($g)' "$OUT/doctor.json"
show "$OUT/devices.err" 10
show "$OUT/doctor.err" 10
