// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (Kbuild): TCP keepalive has a timer of its own,
 * icsk_keepalive_timer (Debian's 6.1 and 6.12 by a stable backport;
 * older kernels, and 6.18.44, use sk->sk_timer).
 */
#include <net/inet_connection_sock.h>

struct timer_list *nks_probe(struct inet_connection_sock *icsk);
struct timer_list *nks_probe(struct inet_connection_sock *icsk)
{
	return &icsk->icsk_keepalive_timer;
}
