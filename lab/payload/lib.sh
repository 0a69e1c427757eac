# Helpers for scenarios inside the lab. Every check reads the kernel (sysfs, /proc, systemctl), never Lodge.
GPU=0000:00:02.0
AUDIO=0000:00:02.1
XHCI=0000:00:03.0
OUT=${OUT:-/lab/out}
mkdir -p "$OUT"

lab_log() { printf '[%7.1f] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*"; }
lab_boot_count() { cat /lab/out/boots 2>/dev/null || echo 0; }

# check DESCRIPTION COMMAND...: records ok or FAIL.
check() {
  local desc=$1; shift
  if "$@" >/dev/null 2>&1; then
    echo "ok $desc" >> "$OUT/checks"; lab_log "LAB check ok   $desc"
  else
    echo "FAIL $desc" >> "$OUT/checks"; lab_log "LAB check FAIL $desc"
  fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [[ "$2" == "$3" ]]; then
    echo "ok $1" >> "$OUT/checks"; lab_log "LAB check ok   $1 ($3)"
  else
    echo "FAIL $1" >> "$OUT/checks"; lab_log "LAB check FAIL $1: expected '$2', got '$3'"
  fi
}
# wait_until SECONDS COMMAND...: polls every second; 0 when the command succeeded in time.
wait_until() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS >= end)) && return 1
    sleep 1
  done
}

driver_of() { local l; l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$l" || echo none; }
group_of() { local l; l=$(readlink "/sys/bus/pci/devices/$1/iommu_group" 2>/dev/null) && basename "$l" || echo null; }
dm_state() { systemctl is-active display-manager.service 2>/dev/null; }
dm_active() { [[ $(dm_state) == active ]]; }
dm_stopped() { [[ $(dm_state) == inactive || $(dm_state) == failed ]]; }

# The pids whose open files include PATH (one find: a fork per fd would starve the lab's CPU under TCG).
pids_holding() {
  find /proc/[0-9]*/fd -maxdepth 1 -lname "$1" 2>/dev/null | cut -d/ -f3 | sort -un
}
comm_of() { local c; c=$(< "/proc/$1/comm") 2>/dev/null; echo "$c"; }
xorg_holds_card() {
  local pid
  for pid in $(pids_holding /dev/dri/card0); do [[ $(comm_of "$pid") == Xorg ]] && return 0; done
  return 1
}
nobody_holds_card() { [[ ! -e /dev/dri/card0 || -z $(pids_holding /dev/dri/card0) ]]; }
# A frame buffer console bound to a vtconsole.
fbcon_bound() {
  local v
  for v in /sys/class/vtconsole/vtcon*; do
    grep -q 'frame buffer' "$v/name" && [[ $(cat "$v/bind") == 1 ]] && return 0
  done
  return 1
}
# A frame buffer device (fbN) whose parent is the GPU.
fb_on_gpu() {
  local fb
  for fb in /sys/class/graphics/fb[0-9]*; do
    [[ -e $fb ]] || continue
    [[ $(readlink -f "$fb/device") == */"$GPU" ]] && return 0
  done
  return 1
}
no_fb() { ! compgen -G '/sys/class/graphics/fb[0-9]*' >/dev/null; }
qemu_pids() { pgrep -x qemu-system-x86 || true; }
# The QEMU process holding /dev/vfio/GROUP, if any.
vfio_holder() {
  local pid
  for pid in $(pids_holding "/dev/vfio/$1"); do [[ $(comm_of "$pid") == qemu-system-x86 ]] && { echo "$pid"; return 0; }; done
  return 1
}
# wait_for_guest GROUP PID: waits (up to 300 s) until a QEMU holds /dev/vfio/GROUP, or 'lodge up' (PID) has ended.
wait_for_guest() {
  wait_until 300 guest_or_gone "$1" "$2" && vfio_holder "$1" >/dev/null
}
guest_or_gone() { vfio_holder "$1" >/dev/null || exited "$2"; }
vfio_device_fds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'vfio-device' || true; }

# first_line FILE: sets REPLY to the file's first line, or to nothing when it cannot be read (no command substitution).
first_line() { REPLY=; { IFS= read -r REPLY < "$1"; } 2>/dev/null; }
# Everything a handoff changes, one fact a line, to compare before and after. Bash builtins and a few processes in
# all: under TCG a fork costs tens of milliseconds, and the fork-per-attribute version took 7-10 s a call (03 calls it
# twice per kill).
host_state() {
  local d l name
  local -A pci_driver=() fb_device=()
  # One find for every device's driver link and one for every frame buffer's device link (a target ends in the name);
  # the globs go through the class and bus symlinks, which find itself would not follow.
  while IFS=' ' read -r d l; do pci_driver[${d##*/}]=${l##*/}; done \
    < <(find /sys/bus/pci/devices/*/driver -maxdepth 0 -printf '%h %l\n' 2>/dev/null)
  while IFS=' ' read -r d l; do fb_device[${d##*/}]=${l##*/}; done \
    < <(find /sys/class/graphics/fb[0-9]*/device -maxdepth 0 -printf '%h %l\n' 2>/dev/null)
  for d in /sys/bus/pci/devices/*; do
    name=${d##*/}
    first_line "$d/driver_override"
    echo "driver $name ${pci_driver[$name]:-none} override=$REPLY"
  done
  for d in /sys/class/vtconsole/vtcon*; do
    first_line "$d/name"; l=$REPLY
    first_line "$d/bind"
    echo "vtcon ${d##*/} $l bind=$REPLY"
  done
  for d in /sys/class/graphics/fb[0-9]*; do
    [[ -e $d ]] || continue
    first_line "$d/name"
    echo "fb ${d##*/} $REPLY ${fb_device[${d##*/}]:-}"
  done
  for d in /sys/bus/platform/drivers/{efi-framebuffer,simple-framebuffer,vesa-framebuffer}/*.0; do [[ -e $d ]] && echo "platform-fb ${d##*/}"; done
  cut -d' ' -f1 /proc/modules | sort | sed 's/^/module /'
  echo "display-manager $(dm_state)"
}
# check_state_is DESCRIPTION FILE: the host state now equals the one saved in FILE.
check_state_is() {
  local now; now=$(mktemp)
  host_state > "$now"
  if diff -u "$2" "$now" > "$now.diff"; then
    echo "ok $1" >> "$OUT/checks"; lab_log "LAB check ok   $1"
  else
    echo "FAIL $1" >> "$OUT/checks"; lab_log "LAB check FAIL $1:"; sed 's/^/    /' "$now.diff"
  fi
  rm -f "$now" "$now.diff"
}

# The desktop is up: the display manager is active and Xorg holds the card.
desktop_up() { dm_active && xorg_holds_card; }
wait_desktop() {
  wait_until "${1:-180}" desktop_up
}

# lab_machine NAME POWEROFF_SECONDS [EXTRA TOML] [GPU MODE]: a machine file in /etc/lodge/machines whose guest boots
# SeaBIOS from a one-sector disk that waits POWEROFF_SECONDS and powers off through ACPI. GPU MODE: handoff (the
# default) or dedicated, for the lab's GPU; none for a machine without one.
lab_machine() {
  local gpu
  case ${4:-handoff} in
    none) gpu='mode = "none"' ;;
    *) gpu="device = \"1234:1111\"
mode = \"${4:-handoff}\"" ;;
  esac
  install -d /etc/lodge/machines
  cat > "/etc/lodge/machines/$1.toml" <<TOML
os = "linux"

[cpu]
cores = 1

[memory]
size = "256M"

[firmware]
type = "bios"

[[disk]]
path = "/lab/disks/poweroff-$2.img"

[display]
type = "none"

[gpu]
$gpu
$3
TOML
}

# wait_guest_exit PID NAME: waits for 'lodge up' (PID) to end after its guest powers itself off. Under a busy host the
# nested SeaBIOS may not get that far in time; then the guest is stopped the way a user would ('lodge down --force'),
# which is logged (not a check), and the caller's exit-code check tells the two apart.
wait_guest_exit() {
  if ! wait_until 120 exited "$1"; then
    lab_log "the guest did not power itself off within 120 s; 'lodge down $2 --timeout 5 --force'"
    lodge down "$2" --timeout 5 --force > "$OUT/down.log" 2>&1
    show "$OUT/down.log" 10
    wait_until 180 exited "$1"
  fi
}

# Lines of the handoff journal's current run (after its last "plan" line) with the given event.
journal_events() {
  local j=/var/lib/lodge/handoff.journal
  [[ -f $j ]] || { echo 0; return; }
  awk '/"event":"plan"/{n=0} index($0, "\"event\":\"'"$1"'\""){n++} END{print n+0}' "$j"
}

# Shows a file in the transcript.
show() { lab_log "--- $1"; sed 's/^/    /' "$1" 2>/dev/null | tail -n "${2:-60}"; }
fbcon_unbound() { ! fbcon_bound; }
no_fb_on_gpu() { ! fb_on_gpu; }
no_xorg() { ! pgrep -x Xorg >/dev/null; }
exited() { ! kill -0 "$1" 2>/dev/null; }
# The GPU is with the nested guest: everything scenario 2 checks while the guest runs. $1: the group.
check_handed_over() {
  local qemu
  qemu=$(vfio_holder "$1")
  check "the display manager is stopped" dm_stopped
  check "no Xorg runs" no_xorg
  check "nobody holds /dev/dri/card0" nobody_holds_card
  check "no frame buffer console is bound" fbcon_unbound
  check "no frame buffer on the GPU" no_fb_on_gpu
  check_eq "GPU driver with the guest" vfio-pci "$(driver_of $GPU)"
  check_eq "audio driver with the guest" vfio-pci "$(driver_of $AUDIO)"
  check_eq "QEMU holds both vfio devices" 2 "$(vfio_device_fds "$qemu")"
  check "QEMU was given the GPU" grep -q "host=$GPU" <(tr '\0' ' ' < "/proc/$qemu/cmdline")
  check "QEMU was given the audio function" grep -q "host=$AUDIO" <(tr '\0' ' ' < "/proc/$qemu/cmdline")
}
# The host has everything back: scenario 2's checks after the guest stopped. $1: the state file from before.
check_given_back() {
  wait_until 120 desktop_up
  check "the display manager is active again" dm_active
  check "Xorg holds /dev/dri/card0 again" xorg_holds_card
  check_eq "GPU driver after" bochs-drm "$(driver_of $GPU)"
  check_eq "audio driver after" snd_hda_intel "$(driver_of $AUDIO)"
  check "a frame buffer console is bound again" fbcon_bound
  check "the frame buffer is on the GPU again" fb_on_gpu
  check_state_is "the host state equals the one before" "$1"
}
# Why the desktop is not up: the display manager's unit, its logs and Xorg's.
desktop_debug() {
  lab_log "the desktop is not up: display manager $(dm_state)"
  systemctl status --no-pager display-manager.service 2>&1 | tail -n 15
  journalctl -b --no-pager -u lightdm.service 2>&1 | tail -n 20
  tail -n 20 /var/log/lightdm/lightdm.log /var/log/Xorg.0.log 2>&1
}
# Waits for the desktop and saves the state before a handoff in $OUT/before.state.
audio_bound() { [[ $(driver_of $AUDIO) != none ]]; }
desktop_before() {
  wait_desktop 300 || desktop_debug
  check "before: the display manager is active and Xorg holds card0" desktop_up
  check "before: a frame buffer console is bound" fbcon_bound
  check_eq "before: GPU driver" bochs-drm "$(driver_of $GPU)"
  # On 6.12 under a loaded host snd_hda_intel may bind the HDMI audio after the desktop is up (seen 1 Dec, ~2 min in).
  wait_until 120 audio_bound
  check_eq "before: audio driver" snd_hda_intel "$(driver_of $AUDIO)"
  host_state > "$OUT/before.state"
}
no_lodge() { ! pgrep -x lodge >/dev/null; }
