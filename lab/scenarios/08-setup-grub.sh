# Setup on real GRUB: the lab boots from its own disk through SeaBIOS and GRUB. 'lodge setup --for lab8 --apply'
# writes the kernel parameters and the early vfio binding of a dedicated GPU, regenerates the initramfs and arms a
# trial boot; the lab reboots into the trial entry, where /proc/cmdline and the vfio-pci binding are as planned;
# '--confirm' makes it the default (checked by one more reboot); '--revert' restores every file byte for byte. Then a
# second apply whose trial entry panics (init=/bin/false added to its linux line) falls back on the next boot to the
# exact previous configuration: the same command line, the same initramfs, the GPU on its own driver.
# kernels: 6.1
# disk: grub
# reboots: yes
# timeout: 4800
boot=$(lab_boot_count)
cmdline_has_all() { local w; for w in $1; do grep -qw -- "$w" <(tr ' ' '\n' < /proc/cmdline) || return 1; done; }
# The files setup may write or regenerate, with their hashes (a file that is not there is listed as absent).
setup_files() {
  local f
  for f in /etc/default/grub /boot/grub/grub.cfg /boot/grub/grubenv /boot/initrd.img-"$(uname -r)" /etc/initramfs-tools/modules \
           /etc/grub.d/* /etc/modprobe.d/* /etc/modules-load.d/* /etc/udev/rules.d/*; do
    [[ -e $f ]] && echo "$(sha256sum < "$f" | cut -c1-16) $f"
  done | sort -k2
}
gpu_on() { [[ $(driver_of $GPU) == "$1" ]]; }
reboot_lab() { lab_log "rebooting into boot $((boot + 1))"; sync; systemctl reboot; sleep 600; }
lab_log "boot $boot: /proc/cmdline: $(cat /proc/cmdline)"
check "boot $boot came through GRUB (BOOT_IMAGE on the command line)" grep -q BOOT_IMAGE= /proc/cmdline

# The machine file, as a user keeps it (lab/payload/run removes every machine file before a scenario starts, at each boot).
lab_machine lab8 30 "" dedicated

case $boot in
1)
  wait_until 240 gpu_on bochs-drm
  cp /proc/cmdline "$OUT/cmdline-before"
  setup_files > "$OUT/files-before"
  show "$OUT/files-before" 30
  lodge setup --for lab8 > "$OUT/setup-plan.log" 2>&1
  show "$OUT/setup-plan.log" 80
  lodge setup --for lab8 --apply > "$OUT/apply.log" 2>&1
  check_eq "lodge setup --apply exits 0" 0 $?
  show "$OUT/apply.log" 60
  sed -n 's/^GRUB_CMDLINE_LINUX_DEFAULT="\(.*\)"$/\1/p' /etc/default/grub > "$OUT/wanted"
  lab_log "GRUB_CMDLINE_LINUX_DEFAULT after apply: $(cat "$OUT/wanted")"
  check "apply armed a trial boot (grubenv next_entry)" grep -q '^next_entry=' /boot/grub/grubenv
  check_eq "apply did not change the default command line yet" "quiet" "$(cat "$OUT/wanted")"
  for f in /etc/default/grub /boot/initrd.img-"$(uname -r)" /etc/initramfs-tools/modules; do
    check_eq "apply left $f as it was" "$(grep " $f$" "$OUT/files-before")" "$(setup_files | grep " $f$")"
  done
  check "the trial has an initramfs of its own" test -s /boot/lodge-trial-initrd.img-"$(uname -r)"
  check "the trial initramfs has vfio_pci" bash -c "lsinitramfs /boot/lodge-trial-initrd.img-$(uname -r) | grep -q 'vfio-pci.ko\|vfio_pci.ko'"
  check "the trial initramfs has the ids in its modprobe.d" bash -c "unmkinitramfs /boot/lodge-trial-initrd.img-$(uname -r) /tmp/trial-image && grep -rq 'options vfio-pci ids=1234:1111' /tmp/trial-image/etc/modprobe.d /tmp/trial-image/main/etc/modprobe.d 2>/dev/null"
  grep -h 'lodge' /boot/grub/grub.cfg | head -n 5 > "$OUT/trial-entry" 2>/dev/null
  sed -n '/lodge/,/^}/p' /boot/grub/grub.cfg > "$OUT/trial-entry"
  show "$OUT/trial-entry" 30
  setup_files > "$OUT/files-applied"
  reboot_lab
  ;;
2)
  # The trial entry: its linux line's parameters are on the command line, and the GPU is bound to vfio-pci early.
  trial=$(grep -m1 -E '^\s*linux\s' "$OUT/trial-entry" | sed 's/^\s*linux\s*\S*\s*//')
  lab_log "the trial entry's parameters: $trial"
  check "the trial entry has a linux line" test -n "$trial"
  check "/proc/cmdline has every parameter of the trial entry" cmdline_has_all "$trial"
  check "/proc/cmdline differs from the one before" bash -c "! diff -q /proc/cmdline '$OUT/cmdline-before'"
  wait_until 120 gpu_on vfio-pci
  check_eq "GPU on vfio-pci from the boot" vfio-pci "$(driver_of $GPU)"
  check_eq "audio on vfio-pci from the boot" vfio-pci "$(driver_of $AUDIO)"
  # Early: the trial initramfs loaded vfio-pci with the ids before switching to the root (before systemd's first line),
  # and the host driver never had the card in this boot.
  dmesg > "$OUT/dmesg-trial"
  ids_at=$(grep -n -m1 'vfio_pci: add \[1234:1111' "$OUT/dmesg-trial" | cut -d: -f1)
  systemd_at=$(grep -n -m1 'systemd\[1\]' "$OUT/dmesg-trial" | cut -d: -f1)
  lab_log "dmesg line of vfio_pci's ids: ${ids_at:-none}; of systemd's first line: ${systemd_at:-none}"
  check "vfio-pci took the ids in the initramfs (before systemd started)" test "${ids_at:-0}" -gt 0 -a "${ids_at:-0}" -lt "${systemd_at:-0}"
  check "bochs-drm never had the GPU in the trial boot" bash -c "! grep -q 'Initialized bochs-drm' '$OUT/dmesg-trial'"
  check "GRUB booted the one-shot entry (it wrote an empty next_entry to grubenv)" grep -qx 'next_entry=' /boot/grub/grubenv
  check "the trial is one-shot (grubenv next_entry cleared)" bash -c "! grep -q '^next_entry=.' /boot/grub/grubenv"
  cp /proc/cmdline "$OUT/cmdline-trial"
  lodge setup --confirm > "$OUT/confirm.log" 2>&1
  check_eq "lodge setup --confirm exits 0" 0 $?
  show "$OUT/confirm.log" 40
  reboot_lab
  ;;
3)
  # Confirmed: the default entry now boots with the same parameters.
  # --confirm moves the early binding from the trial's command line (vfio-pci.ids=) to /etc/modprobe.d and the default
  # initramfs; every other parameter of the trial is now the default's.
  trial=$(grep -m1 -E '^\s*linux\s' "$OUT/trial-entry" | sed 's/^\s*linux\s*\S*\s*//' | tr ' ' '\n' | grep -v '^vfio-pci.ids=' | tr '\n' ' ')
  check "the default entry boots with the trial's parameters (but vfio-pci.ids=)" cmdline_has_all "$trial"
  check "the early binding is in /etc/modprobe.d now" grep -q '^options vfio-pci ids=' /etc/modprobe.d/lodge-vfio.conf
  check "the default initramfs loads vfio_pci" bash -c "lsinitramfs /boot/initrd.img-$(uname -r) | grep -q 'vfio-pci.ko\|vfio_pci.ko'"
  wait_until 120 gpu_on vfio-pci
  check_eq "GPU on vfio-pci after confirming" vfio-pci "$(driver_of $GPU)"
  check_eq "audio on vfio-pci after confirming" vfio-pci "$(driver_of $AUDIO)"
  # The confirm is a setup of its own: the first --revert undoes it, the second the apply ('revert later applies first').
  lodge setup --list > "$OUT/list.log" 2>&1
  show "$OUT/list.log" 10
  lodge setup --revert > "$OUT/revert.log" 2>&1
  check_eq "lodge setup --revert (the confirm) exits 0" 0 $?
  show "$OUT/revert.log" 40
  lodge setup --revert > "$OUT/revert-2.log" 2>&1
  check_eq "lodge setup --revert (the apply) exits 0" 0 $?
  show "$OUT/revert-2.log" 40
  setup_files > "$OUT/files-reverted"
  if diff -u "$OUT/files-before" "$OUT/files-reverted" > "$OUT/files.diff"; then
    check "--revert restored every file byte for byte" true
  else
    check "--revert restored every file byte for byte" false
    show "$OUT/files.diff" 40
  fi
  # A second apply whose trial entry panics: the next boot must be the previous configuration.
  cp /proc/cmdline "$OUT/cmdline-confirmed"
  lodge setup --for lab8 --apply > "$OUT/apply-2.log" 2>&1
  check_eq "the second apply exits 0" 0 $?
  setup_files > "$OUT/files-before-panic"
  # Only the trial entry panics: init=/bin/false on its linux line (run-init execs it, it exits, the kernel panics
  # and, with panic=5, resets the machine).
  awk '/lodge/ {t = 1} t && /^[[:space:]]*linux[[:space:]]/ {$0 = $0 " init=/bin/false"; t = 0} {print}' /boot/grub/grub.cfg > /tmp/grub.cfg
  cat /tmp/grub.cfg > /boot/grub/grub.cfg
  check "the trial entry now panics" grep -q 'init=/bin/false' /boot/grub/grub.cfg
  reboot_lab
  ;;
4)
  # After the panicked trial boot (which never reached this script), GRUB booted the default entry again.
  check "the panicking trial did not stay (no init=/bin/false on the command line)" bash -c "! grep -q init=/bin/false /proc/cmdline"
  # Before the second apply the default entry was the original one again (both reverts ran): the command line of boot 1.
  check_eq "the same command line as before the second apply" "$(sed 's/ *$//' "$OUT/cmdline-before")" "$(sed 's/ *$//' /proc/cmdline)"
  check "the trial is one-shot (grubenv next_entry cleared by GRUB)" bash -c "! grep -q '^next_entry=.' /boot/grub/grubenv"
  check_eq "the same initramfs as before the second apply" \
    "$(grep " /boot/initrd.img-$(uname -r)$" "$OUT/files-reverted")" "$(setup_files | grep " /boot/initrd.img-$(uname -r)$")"
  wait_until 120 gpu_on bochs-drm
  check_eq "the GPU is on its own driver again" bochs-drm "$(driver_of $GPU)"
  journalctl -b -1 --no-pager 2>&1 | tail -n 5 > "$OUT/previous-boot.log"
  ;;
*)
  check "an unexpected boot number ($boot)" false
  ;;
esac
