# Sourced by bin/image and .ci/run: makes podman usable on this machine.
# - installs podman, runc and debootstrap from Debian's packages when one is missing (needs root);
# - runs containers with runc and without default rlimits: crun fails on this machine's cgroups and rlimits, and
#   podman takes both settings from a containers.conf drop-in that every podman command (and the API service) reads.
yundoc_podman_ready() {
  local need=()
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || need+=(runc)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "yundoc: needs ${need[*]} (apt-get install ${need[*]}) and root to build or run the image" >&2
      return 3
    fi
    echo "yundoc: installing ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || { echo "yundoc: could not install ${need[*]}" >&2; return 3; }
  fi
  local conf=/etc/containers/containers.conf.d/50-yundoc.conf
  if [ ! -f "$conf" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "yundoc: $conf is missing (runtime runc, no default ulimits); run bin/image once as root" >&2
      return 3
    fi
    mkdir -p "$(dirname "$conf")"
    printf '%s\n' '# written by yundoc bin/_podman.sh: crun fails here on cgroups and rlimits' \
      '[containers]' 'default_ulimits = []' '[engine]' 'runtime = "runc"' > "$conf"
  fi
}
