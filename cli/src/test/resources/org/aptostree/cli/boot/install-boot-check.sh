# Postprocess script of BootInQemuTest's treefile: installs a unit that starts after multi-user.target and prints on
# the serial console what the test asserts about the booted system, then powers the machine off.
mkdir -p /usr/libexec
# No login prompt on the serial console: agetty hangs ttyS0 up when it starts (vhangup), and a report being written
# then was lost (seen once: the check ran, printed nothing, and powered off).
mkdir -p /etc/systemd/system
ln -sf /dev/null /etc/systemd/system/serial-getty@ttyS0.service
cat > /usr/libexec/aptostree-boot-check <<'EOF'
#!/bin/sh
# Reports the booted state on the console for apt-ostree's boot test (BootInQemuTest), then powers off.
say() { echo "aptostree-check: $*"; }
# Waits until no job is left; "running" when no unit failed.
say "system-state=$(systemctl is-system-running --wait)"
systemctl list-units --state=failed --no-legend --plain | while read -r unit rest; do say "failed-unit $unit"; done
# The kernel argument aptostree.edit=TEXT edits /etc: the life of a host, carried to the next deployment.
for arg in $(cat /proc/cmdline); do
  case $arg in aptostree.edit=*) echo "${arg#aptostree.edit=}" > /etc/aptostree-boot-test.conf; sync ;; esac
done
say "etc-edit=$(cat /etc/aptostree-boot-test.conf 2>/dev/null || echo none)"
say "hello=$(command -v hello || echo none)"
ostree admin status | while IFS= read -r line; do say "status $line"; done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze time | while IFS= read -r line; do say "analyze $line"; done
fi
say done
systemctl poweroff --no-block
EOF
chmod 0755 /usr/libexec/aptostree-boot-check
cat > /usr/lib/systemd/system/aptostree-boot-check.service <<'EOF'
[Unit]
Description=Report the booted state for apt-ostree's boot test
After=multi-user.target

[Service]
# Not a oneshot: its own start job would keep is-system-running --wait waiting.
Type=simple
ExecStart=/usr/libexec/aptostree-boot-check
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOF
