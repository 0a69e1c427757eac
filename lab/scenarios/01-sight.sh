# Sight: 'lodge devices --json' and 'lodge doctor --json' agree with the kernel's own groups, drivers and boot VGA,
# and with lspci; doctor says honestly that there is no KVM (the lab runs under TCG, without /dev/kvm).
# kernels: 6.1 6.12
# default: 6.12
# timeout: 420
wait_until 120 test "$(driver_of $GPU)" = bochs-drm
lodge devices --json > "$OUT/devices.json" 2> "$OUT/devices.err"
check_eq "lodge devices --json exits 0" 0 $?
lodge doctor --json > "$OUT/doctor.json" 2> "$OUT/doctor.err"
doctor_rc=$?
check "devices --json is JSON" jq -e . "$OUT/devices.json"
check "doctor --json is JSON" jq -e . "$OUT/doctor.json"

# One pass over each answer (a process costs seconds under TCG): lodge's view, lspci's view, the kernel's view.
jq -r '.devices[] | [.address, (.iommuGroup // "null"), (.driver // "null"), .class, "\(.vendorId):\(.deviceId)", (.bootVga // "null"), .kind, .verdict, (.companions | join(","))] | @tsv' \
  "$OUT/devices.json" > "$OUT/lodge.tsv"
lspci -D -n -k > "$OUT/lspci.txt"
check_eq "IOMMU on" true "$(jq -r .iommu.enabled "$OUT/devices.json")"
check_eq "group count" "$(ls /sys/kernel/iommu_groups | wc -l)" "$(jq -r .iommu.groupCount "$OUT/devices.json")"
check_eq "device count" "$(ls /sys/bus/pci/devices | wc -l)" "$(wc -l < "$OUT/lodge.tsv")"
declare -A l_group l_driver l_class l_ids l_bootvga l_kind l_verdict l_companions
while IFS=$'\t' read -r a g d c i b k v co; do
  l_group[$a]=$g; l_driver[$a]=$d; l_class[$a]=$c; l_ids[$a]=$i; l_bootvga[$a]=$b; l_kind[$a]=$k; l_verdict[$a]=$v; l_companions[$a]=$co
done < "$OUT/lodge.tsv"
declare -A p_ids p_class p_driver
while read -r line; do
  if [[ $line =~ ^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\ ([0-9a-f]{4}):\ ([0-9a-f]{4}:[0-9a-f]{4}) ]]; then
    cur=${BASH_REMATCH[1]}; p_class[$cur]=${BASH_REMATCH[2]}; p_ids[$cur]=${BASH_REMATCH[3]}; p_driver[$cur]=null
  elif [[ $line =~ Kernel\ driver\ in\ use:\ (.*)$ ]]; then
    p_driver[$cur]=${BASH_REMATCH[1]}
  fi
done < "$OUT/lspci.txt"
for d in /sys/bus/pci/devices/*; do
  a=$(basename "$d")
  driver=$(driver_of "$a"); [[ $driver == none ]] && driver=null
  check_eq "$a group" "$(group_of "$a")" "${l_group[$a]-missing}"
  check_eq "$a driver" "$driver" "${l_driver[$a]-missing}"
  check_eq "$a class" "$(cat "$d/class")" "${l_class[$a]-missing}"
  check_eq "$a ids as lspci" "${p_ids[$a]-lspci-missing}" "${l_ids[$a]-missing}"
  class=${l_class[$a]-0x000000}
  check_eq "$a class as lspci" "${p_class[$a]-lspci-missing}" "${class:2:4}"
  check_eq "$a driver as lspci" "${p_driver[$a]-lspci-missing}" "${l_driver[$a]-missing}"
  if [[ -f $d/boot_vga ]]; then
    [[ $(cat "$d/boot_vga") == 1 ]] && bv=true || bv=false
    check_eq "$a boot VGA" "$bv" "${l_bootvga[$a]-missing}"
  fi
done
jq -r '.groups[] | "\(.id) \(.devices | sort | join(" "))"' "$OUT/devices.json" > "$OUT/lodge-groups.txt"
for g in /sys/kernel/iommu_groups/*; do
  check_eq "group $(basename "$g") members" "$(basename "$g") $(ls "$g/devices" | sort | xargs)" \
    "$(grep "^$(basename "$g") " "$OUT/lodge-groups.txt")"
done
check_eq "GPU kind" gpu "${l_kind[$GPU]-missing}"
check_eq "GPU verdict: the audio function is its only companion" "with-companions $AUDIO" "${l_verdict[$GPU]-missing} ${l_companions[$GPU]-}"
check_eq "xHCI kind" usb "${l_kind[$XHCI]-missing}"
# KVM: the lab has no /dev/kvm, so doctor must say guests cannot run with KVM (exit 2), never claim it.
check "no /dev/kvm in the lab" test ! -e /dev/kvm
check_eq "doctor exit code (no KVM)" 2 "$doctor_rc"
check_eq "doctor JSON exit code" 2 "$(jq -r .exitCode "$OUT/doctor.json")"
check "doctor names KVM as failing" jq -e '[.sections[].checks[] | select((.title + .detail) | test("KVM")) | .status] | any(. == "fail" or . == "error")' "$OUT/doctor.json"
check "doctor lists the GPU as passable" jq -e --arg g "$GPU" '.passableGpus | index($g)' "$OUT/doctor.json"
show "$OUT/devices.err" 10
show "$OUT/doctor.err" 10
