// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (Kbuild): net.ipv4.tcp_syn_linear_timeouts, which SYN_SENT
 * adds to its SYN retries (6.12, not 6.1).
 */
#include <net/net_namespace.h>

u8 nks_probe(struct net *net);
u8 nks_probe(struct net *net)
{
	return net->ipv4.sysctl_tcp_syn_linear_timeouts;
}
