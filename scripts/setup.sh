# Sourced by the other scripts: checks the toolchain and installs the system packages the
# package needs: libedit-dev (the client's line editor), tmux (the client's terminal tests), openssh-client
# and sshpass (the SSH listener's tests drive stock ssh),
# plus any named as arguments.
need_apt=()
for pkg in libedit-dev tmux spin openssh-client sshpass "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "== installing ${need_apt[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
command -v swift >/dev/null || { echo "Swift 6.x is required (https://swift.org/install)"; exit 1; }
