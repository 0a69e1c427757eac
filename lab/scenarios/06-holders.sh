# Holders: processes in the user's session (user-1000.slice) hold /dev/dri/card0 (as a compositor or a browser would)
# and the HDMI function's PCM device (as a sound server would). 'lodge up lab' names them and refuses without
# changing anything; with --stop-holders it stops them and the handoff completes.
# kernels: 6.1 6.12
# default: 6.1 6.12
# timeout: 900
desktop_before
G=$(group_of $GPU)
lab_machine lab 30
systemd-run --quiet --uid=1000 --slice=user-1000.slice --unit=lab-holder -p SupplementaryGroups=video \
  /bin/bash -c 'exec 3</dev/dri/card0; exec sleep infinity'
wait_until 30 pgrep -u 1000 -x sleep
holder=$(pgrep -u 1000 -x sleep)
check "the holder holds card0" grep -qx "$holder" <(pids_holding /dev/dri/card0)
# The audio function's playback device (snd_hda_intel on 00:02.1 is card 0).
pcm=$(ls -d /sys/bus/pci/devices/$AUDIO/sound/card*/pcmC*D*p 2>/dev/null | head -n 1)
check "the HDMI function has a playback device" test -n "$pcm"
sound=""
if [[ -n $pcm ]]; then
  card=$(basename "$pcm" | sed 's/^pcmC\([0-9]*\)D\([0-9]*\)p$/\1,\2/')
  systemd-run --quiet --uid=1000 --slice=user-1000.slice --unit=lab-sound -p SupplementaryGroups=audio \
    aplay -q -D "hw:$card" -t raw -f S16_LE -c 2 -r 48000 /dev/zero
  wait_until 30 pgrep -u 1000 -x aplay
  sound=$(pgrep -u 1000 -x aplay)
  check "the sound player holds /dev/snd/$(basename "$pcm")" grep -qx "$sound" <(pids_holding "/dev/snd/$(basename "$pcm")")
fi
lodge up lab > "$OUT/refused.log" 2>&1
check "lodge up refuses while a process holds the card" test $? -ne 0
check "the refusal names the holder's pid" grep -q "$holder" "$OUT/refused.log"
check "the refusal names the holder's program" grep -q sleep "$OUT/refused.log"
[[ -n $sound ]] && check "the refusal names the sound player" grep -q "$sound" "$OUT/refused.log"
check "the refusal points to --stop-holders" grep -q -- --stop-holders "$OUT/refused.log"
check "the display manager is still active" dm_active
check_state_is "a refusal changes nothing" "$OUT/before.state"
lodge up lab --stop-holders > "$OUT/up.log" 2>&1 &
up=$!
if wait_for_guest "$G" $up; then
  check_handed_over "$G"
else
  check "a nested QEMU holds /dev/vfio/$G" false
fi
check "the holder was stopped" exited "$holder"
[[ -n $sound ]] && check "the sound player was stopped" exited "$sound"
wait_guest_exit $up lab
wait $up
check_eq "lodge up --stop-holders exits 0" 0 $?
check_given_back "$OUT/before.state"
show "$OUT/refused.log" 20
show "$OUT/up.log" 40
