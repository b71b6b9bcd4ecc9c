# Sourced by the benchmarks that talk to apt-ostreed: a private system bus with the system bus's policy (everyone may
# connect) and the shipped policy for apt-ostreed's name. After `private_bus DIR`, $address is the bus's address,
# DBUS_SYSTEM_BUS_ADDRESS is exported as it, and $bus_pid is dbus-daemon's pid (the caller kills it).
# $here must be the checkout's top directory.
private_bus() {
  local dir=$1
  cat > "$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
  <include>$here/daemon/src/main/dist/usr/share/dbus-1/system.d/org.aptostree.dev.conf</include>
</busconfig>
EOF
  dbus-daemon --config-file="$dir/bus.conf" --nofork --print-address=1 > "$dir/bus.addr" 2>/dev/null &
  bus_pid=$!
  for _ in $(seq 1 100); do [ -s "$dir/bus.addr" ] && break; sleep 0.05; done
  [ -s "$dir/bus.addr" ] || { echo "private_bus: dbus-daemon did not start" >&2; return 1; }
  address="unix:path=$dir/system_bus_socket"
  export DBUS_SYSTEM_BUS_ADDRESS=$address
}
