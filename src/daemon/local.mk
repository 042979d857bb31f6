# src/daemon: the audit loop, signals, config reload and the systemd
# notification protocol (issue 7).
