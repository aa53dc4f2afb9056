/* SPDX-License-Identifier: MIT */
/*
 * The service manager's readiness protocol (sd_notify(3)), without linking
 * libsystemd: one datagram of "KEY=VALUE" lines to the AF_UNIX socket named
 * by $NOTIFY_SOCKET. twinringd.service is Type=notify, so systemd holds back
 * what is ordered after it (xendomains) until the daemon has reconciled.
 */
#ifndef TWINRING_TOOLSTACK_NOTIFY_H
#define TWINRING_TOOLSTACK_NOTIFY_H

/* Send @state (e.g. "READY=1") to $NOTIFY_SOCKET: 1 when sent, 0 when no
 * service manager asked for it (the variable is unset or empty), a negative
 * errno when the variable is malformed or the send fails. A leading '@'
 * names an abstract socket. */
int twr_sd_notify(const char *state);

#endif /* TWINRING_TOOLSTACK_NOTIFY_H */
